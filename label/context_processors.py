"""Template context shared by every page: the roles of the visitor, for the navigation."""

from label.enums import Role


def portal(request):
    user = getattr(request, "user", None)
    roles = user.role_names if user is not None and user.is_authenticated else frozenset()
    return {
        "nav_roles": {
            "applicant": user is not None and user.is_authenticated,
            "instruction": Role.INSTRUCTION in roles,
            "reviewer": Role.REVIEWER in roles,
            "jury": Role.JURY in roles,
        }
    }
