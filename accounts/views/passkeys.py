"""The passkey ceremonies, on django-otp-webauthn's views, tied to the session contract.

django-otp-webauthn marks the session verified for django-otp (``otp_device_id``); the
portal's middleware and label/rules.py read ``accounts.otp.SESSION_VERIFIED_KEY``. These
subclasses write both, cycle the session key as the code pages do, and audit.
"""

from django_otp_webauthn.views import (
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from accounts import otp, sealed
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
