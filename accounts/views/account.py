"""Account pages under /comptes/: sign-up and its confirmation, login, passwords, profile."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView, UpdateView

from accounts import services
from accounts.forms import (
    LoginForm,
    OutboxPasswordResetForm,
    ProfileForm,
    ResendConfirmationForm,
    SignUpForm,
)
from accounts.landing import landing_url
from accounts.tokens import account_activation_token
from label.models import User
from label.ratelimit import ratelimit


class SignUpView(FormView):
    template_name = "registration/signup.html"
    form_class = SignUpForm
    success_url = reverse_lazy("accounts:signup_done")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("accounts:profile")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        services.user_sign_up(
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"],
            password=form.cleaned_data["password1"],
            organisation=form.cleaned_data["organisation"],
            phone=form.cleaned_data["phone"],
        )
        return super().form_valid(form)


class SignUpDoneView(TemplateView):
    template_name = "registration/signup_done.html"


class SignUpConfirmView(View):
    """Follows the link of the confirmation mail; a bad or expired link changes nothing."""

    def get(self, request, uidb64, token):
        try:
            user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
        except (TypeError, ValueError, OverflowError, User.DoesNotExist):
            user = None
        if user is not None and user.is_active and user.email_confirmed_at:
            messages.info(request, _("Votre adresse e-mail est déjà confirmée. Connectez-vous."))
            return redirect("accounts:login")
        if user is None or not account_activation_token.check_token(user, token):
            return render(request, "registration/signup_invalid.html", status=400)
        services.user_confirm_email(user=user)
        messages.success(
            request, _("Votre adresse e-mail est confirmée. Vous pouvez vous connecter.")
        )
        return redirect("accounts:login")


class SignUpResendView(FormView):
    """Sends a new confirmation link to an account whose link was lost or has expired.

    The answer is the same whether or not such an account exists.
    """

    template_name = "registration/signup_resend.html"
    form_class = ResendConfirmationForm
    success_url = reverse_lazy("accounts:login")

    @method_decorator(ratelimit(key="ip", rate="10/h"))
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        services.user_resend_confirmation(email=form.cleaned_data["email"])
        messages.info(
            self.request,
            _(
                "Si un compte en attente de confirmation existe pour cette adresse, un nouvel "
                "e-mail de confirmation vient de lui être envoyé. Le lien est valable trois "
                "jours."
            ),
        )
        return super().form_valid(form)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        """Without a `next`, each role lands where its work is (accounts/landing.py)."""
        if self.next_page:
            return super().get_default_redirect_url()
        return landing_url(self.request.user)


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("Vous êtes déconnecté."))
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        messages.success(self.request, _("Votre mot de passe a été modifié."))
        return super().form_valid(form)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = OutboxPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("accounts:password_reset_complete")


class ProfileView(LoginRequiredMixin, UpdateView):
    template_name = "registration/profile.html"
    form_class = ProfileForm
    success_url = reverse_lazy("accounts:profile")

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        messages.success(self.request, _("Votre profil a été enregistré."))
        return super().form_valid(form)
