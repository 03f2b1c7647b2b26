"""Reactions to Django's login and logout, connected in LabelConfig.ready().

At login the session learns what the middlewares need without a query on every request:
whether a second factor is still awaited (the account has a confirmed application or
passkey), the idle timeout of the account's kind, and when the login happened. Login and
logout go to the audit trail.
"""

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from accounts import otp
from accounts.middleware import SESSION_IDLE_TIMEOUT_KEY, SESSION_LOGIN_AT_KEY, idle_timeout_for
from label.audit import audit_record
from label.models import AuditAction
from label.rules import OTP_VERIFIED_ATTRIBUTE


@receiver(user_logged_in, dispatch_uid="label.login_session_flags")
def login_session_flags(sender, request, user, **kwargs):
    # The account object becomes request.user for the rest of this request: a fresh login has
    # not passed the second factor yet, so its staff roles wait (label/rules.py).
    setattr(user, OTP_VERIFIED_ATTRIBUTE, False)
    session = getattr(request, "session", None)
    if session is None:
        return
    session.pop(otp.SESSION_VERIFIED_KEY, None)
    if otp.has_second_factor(user):
        session[otp.SESSION_PENDING_KEY] = True
    else:
        session.pop(otp.SESSION_PENDING_KEY, None)
    session[SESSION_IDLE_TIMEOUT_KEY] = idle_timeout_for(user)
    session[SESSION_LOGIN_AT_KEY] = int(time.time())
    audit_record(action=AuditAction.LOGIN, request=request, actor=user)


@receiver(user_logged_out, dispatch_uid="label.logout_audit")
def logout_audit(sender, request, user, **kwargs):
    if user is not None and user.pk:
        audit_record(action=AuditAction.LOGOUT, request=request, actor=user)
