"""The passkey ceremonies, on django-otp-webauthn's views, tied to the session contract.

django-otp-webauthn marks the session verified for django-otp (``otp_device_id``); the
portal's middleware and label/rules.py read ``accounts.otp.SESSION_VERIFIED_KEY``. These
subclasses write both, cycle the session key as the code pages do, and audit. The owner of
passkeys removes or renames them one at a time (``PasskeyDeleteView``, ``PasskeyRenameView``).
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django_otp_webauthn.views import (
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from accounts import otp, sealed
from accounts.forms import PasskeyRenameForm, PasswordConfirmForm
from accounts.views.otp import SESSION_SHOW_CODES_KEY
from label.audit import audit_record
from label.models import AuditAction

SESSION_FAILURES_KEY = "otp_failures"


class PasskeyRegistrationCompleteView(CompleteCredentialRegistrationView):
    """A new passkey of the signed-in account; a first factor verifies the session."""

    def post(self, *args, **kwargs):
        request = self.request
        had_factor = otp.has_second_factor(request.user)
        response = super().post(*args, **kwargs)
        if response.status_code == 200:
            # The library leaves a new passkey nameless; the list needs names that tell the
            # passkeys apart, until their owner chooses one.
            newest = otp.passkeys_of(request.user).order_by("-pk").first()
            if newest is not None and not newest.name:
                newest.name = otp.passkey_default_name(request.user)
                newest.save(update_fields=["name"])
            audit_record(action=AuditAction.OTP_ENABLED, request=request, extra={"passkey": True})
            if not had_factor:
                # As after a TOTP enrolment: the account just proved it holds the device, and
                # gets ten recovery codes, shown once on the page the script goes to next.
                otp.session_mark_verified(request.session)
                sealed.seal_codes(request.session, otp.recovery_codes_renew(user=request.user))
                request.session[SESSION_SHOW_CODES_KEY] = True
        return response


class PasskeyAuthenticationCompleteView(CompleteCredentialAuthenticationView):
    """The second step of a login by a passkey instead of a code."""

    def complete_auth(self, device):
        super().complete_auth(device)
        request = self.request
        request.session.pop(SESSION_FAILURES_KEY, None)
        otp.session_mark_verified(request.session)
        request.session.cycle_key()
        audit_record(action=AuditAction.OTP_VERIFIED, request=request, extra={"passkey": True})


def _passkey_or_404(request, pk):
    # Another account's passkey answers like a missing one: ids say nothing.
    passkey = otp.passkey_of(request.user, pk)
    if passkey is None:
        raise Http404
    return passkey


class PasskeyDeleteView(LoginRequiredMixin, View):
    """Remove one passkey, after a confirmation page that asks for the password.

    Refused when it is the last second factor of a role that must keep one (instruction,
    jury, staff): the page says so and offers no button.
    """

    template_name = "registration/passkey_delete.html"

    def _render(self, request, passkey, form, status=200):
        context = {
            "passkey": passkey,
            "form": form,
            "refused": otp.passkey_removal_refused(request.user, passkey),
            "others": otp.passkeys_of(request.user).exclude(pk=passkey.pk).count(),
            "has_application": otp.device_get_confirmed(request.user) is not None,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk):
        passkey = _passkey_or_404(request, pk)
        return self._render(request, passkey, PasswordConfirmForm(user=request.user))

    def post(self, request, pk):
        passkey = _passkey_or_404(request, pk)
        if otp.passkey_removal_refused(request.user, passkey):
            return self._render(request, passkey, PasswordConfirmForm(user=request.user), 403)
        form = PasswordConfirmForm(request.POST, user=request.user)
        if not form.is_valid():
            return self._render(request, passkey, form, 400)
        name = passkey.name
        none_left = otp.passkey_remove(user=request.user, passkey=passkey)
        audit_record(
            action=AuditAction.OTP_DISABLED,
            request=request,
            extra={"passkey": passkey.pk, "removed": "one passkey", "none_left": none_left},
        )
        if none_left:
            messages.success(
                request,
                _(
                    "La clé d'accès « %(name)s » est supprimée. Votre compte n'a plus de "
                    "double authentification."
                )
                % {"name": name},
            )
        else:
            messages.success(
                request, _("La clé d'accès « %(name)s » est supprimée.") % {"name": name}
            )
        return redirect("accounts:otp_manage")


class PasskeyRenameView(LoginRequiredMixin, View):
    """Give one passkey a name of its owner's choice."""

    template_name = "registration/passkey_rename.html"

    def get(self, request, pk):
        passkey = _passkey_or_404(request, pk)
        form = PasskeyRenameForm(initial={"name": passkey.name})
        return render(request, self.template_name, {"passkey": passkey, "form": form})

    def post(self, request, pk):
        passkey = _passkey_or_404(request, pk)
        form = PasskeyRenameForm(request.POST)
        if not form.is_valid():
            context = {"passkey": passkey, "form": form}
            return render(request, self.template_name, context, status=400)
        otp.passkey_rename(user=request.user, passkey=passkey, name=form.cleaned_data["name"])
        messages.success(request, _("La clé d'accès est renommée."))
        return redirect("accounts:otp_manage")
