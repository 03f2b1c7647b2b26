"""Where a signed-in person lands: the page where their work is (issue 11, defect 10)."""

from django.conf import settings
from django.shortcuts import resolve_url

from label.enums import Role

# By URL name, not by import: the pages live in apps above accounts. Staff first, then the
# committees, then the applicant's own space (most accounts also hold the applicant role).
LANDING_BY_ROLE = (
    (Role.INSTRUCTION, "applications:instruction_home"),
    (Role.REVIEWER, "reviews:reviewer_home"),
    (Role.JURY, "reviews:jury_home"),
    (Role.APPLICANT, "applications:applicant_home"),
)


def landing_url(user):
    """The URL of the page a user's work starts from, by their roles (the profile otherwise)."""
    if user is not None and user.is_authenticated:
        roles = user.role_names
        for role, url_name in LANDING_BY_ROLE:
            if role in roles:
                return resolve_url(url_name)
    return resolve_url(settings.LOGIN_REDIRECT_URL)
