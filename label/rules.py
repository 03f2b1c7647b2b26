"""Who may do what, portal-wide: the role predicates every app builds on.

Object-level predicates of each app live in that app's rules.py and combine these.
"""

import rules

from label.enums import Role


def _has_role(role):
    @rules.predicate(name=f"has_role_{role}")
    def predicate(user):
        if not user or not user.is_authenticated or not user.is_active:
            return False
        return role in user.role_names

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
