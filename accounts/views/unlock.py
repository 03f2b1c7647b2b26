"""The unlock link of a login locked by django-axes: asking for it, and following it."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView

from accounts.unlock import account_unlock, account_unlock_request, unlock_token_user
from label.ratelimit import ratelimit


class UnlockRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail du compte"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class UnlockRequestView(FormView):
    """Mails an unlock link; the answer is the same whether or not the account exists."""

    template_name = "registration/unlock_request.html"
    form_class = UnlockRequestForm
    success_url = reverse_lazy("accounts:login")

    @method_decorator(ratelimit(key="ip", rate="10/h"))
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        account_unlock_request(email=form.cleaned_data["email"])
        messages.info(
            self.request,
            _(
                "Si un compte existe pour cette adresse, un e-mail avec un lien de déblocage "
                "vient de lui être envoyé. Le lien est valable une heure."
            ),
        )
        return super().form_valid(form)


class UnlockView(View):
    """Follows the mailed link: clears the failed logins of the account, then to the login."""

    def get(self, request, token):
        user = unlock_token_user(token)
        if user is None:
            messages.error(
                request,
                _("Ce lien de déblocage n'est pas valide ou a expiré. Demandez-en un nouveau."),
            )
            return redirect("accounts:unlock_request")
        account_unlock(user=user)
        messages.success(
            request, _("Votre compte est débloqué. Vous pouvez vous connecter à nouveau.")
        )
        return redirect("accounts:login")
