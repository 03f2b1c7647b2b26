"""Who may do what, portal-wide: the role predicates every app builds on.

Object-level predicates of each app live in that app's rules.py and combine these.

A role that must use a second factor (settings.OTP_REQUIRED_ROLES: instruction and jury) is
held only in a session that passed it, wherever the view is: the permission says so, not a
list of URL prefixes. The request's account carries the answer as ``otp_verified``, set from
the session by accounts.middleware.OTPMiddleware before any view runs (and set to False by
the login itself). An account object without that attribute was not loaded for a browser
session: a Celery task, a management command, or another person the code asks about (the
jury members of a wave, the staff to notify). Those act for the portal or are not acting at
all, so their roles are read from their groups alone.
"""

import rules
from django.conf import settings

from label.enums import Role

# The attribute the accounts app sets on the request's account (see the module docstring).
OTP_VERIFIED_ATTRIBUTE = "otp_verified"


def session_passed_second_factor(user):
    """Does this account object hold its second-factor-bound roles now?

    True for an account outside a browser session (no attribute: a task, a command, another
    person), else what its session says.
    """
    return bool(getattr(user, OTP_VERIFIED_ATTRIBUTE, True))


def _has_role(role):
    needs_second_factor = role in settings.OTP_REQUIRED_ROLES

    @rules.predicate(name=f"has_role_{role}")
    def predicate(user):
        if not user or not user.is_authenticated or not user.is_active:
            return False
        if role not in user.role_names:
            return False
        return not needs_second_factor or session_passed_second_factor(user)

    return predicate


is_applicant = _has_role(Role.APPLICANT)
is_instruction = _has_role(Role.INSTRUCTION)
is_reviewer = _has_role(Role.REVIEWER)
is_jury_member = _has_role(Role.JURY)


@rules.predicate
def is_authenticated(user):
    return bool(user and user.is_authenticated and user.is_active)


rules.add_perm("label.access_applicant_area", is_authenticated)
rules.add_perm("label.access_instruction_area", is_instruction)
