"""Template tags of the jury's work, for the pages of other apps that include its partials."""

from django import template

from reviews.jury import selectors as jury_selectors

register = template.Library()


@register.simple_tag
def applicant_decision(application):
    """The announced decision as its holder reads it (outcome, motivation, conditions, the
    comments the jury chose to share, without names), or None before the announcement."""
    return jury_selectors.decision_for_applicant(application)


@register.simple_tag(takes_context=True)
def jury_staff_panel(context, application):
    """What the staff page of a file shows of the jury's work (staff only, else None)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("reviews.manage_reviews"):
        return None
    return jury_selectors.jury_panel_for_staff(application, user)
