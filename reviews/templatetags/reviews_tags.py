"""Template tags of the reviews app: data for the panels other apps' pages include."""

from django import template
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _

from reviews.enums import ReviewState
from reviews.scoring import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def reviews_staff_panel(context, application):
    """What the staff page of an application shows of its review (staff only, else None)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("reviews.manage_reviews"):
        return None
    return selectors.application_review_panel(application)


@register.simple_tag
def reviews_applicant_feedback(application):
    """The comments reviewers agreed to share, once the decision is out; never their names."""
    return selectors.shared_comments_for_applicant(application)


@register.filter
def assignment_status(assignment):
    """Where an assignment stands, in words, for staff and reviewers."""
    if assignment.conflict_declared_at:
        return _("Conflit d'intérêts déclaré")
    review = assignment.review if _has_review(assignment) else None
    if review is not None and review.state == ReviewState.SUBMITTED:
        return _("Évaluation remise")
    if review is not None:
        return _("Évaluation en cours")
    if assignment.confidentiality_accepted_at:
        return _("Dossier ouvert, évaluation non commencée")
    return _("En attente de l'engagement de confidentialité")


@register.filter
def assignment_is_submitted(assignment):
    """Has the review of this assignment been submitted?"""
    if not _has_review(assignment):
        return False
    return assignment.review.state == ReviewState.SUBMITTED


def _has_review(assignment):
    try:
        assignment.review  # noqa: B018 -- reading the relation is the test
    except assignment._meta.model.review.RelatedObjectDoesNotExist:
        return False
    return True


@register.filter
def score_or_dash(value, digits=1):
    """A score rounded for display, or a dash when there is none."""
    if value is None:
        return "—"
    return f"{value:.{int(digits)}f}".replace(".", ",")


@register.filter
def score_cells(values):
    """Table cells of right-aligned scores, in one go: the ranking has hundreds of rows."""
    return format_html_join(
        "", '<td class="text-end">{}</td>', ((score_or_dash(v),) for v in values)
    )


_PLACEHOLDER = 987654321


@register.simple_tag
def staff_file_url_prefix():
    """The staff page of a file, split around its pk, to build hundreds of links cheaply."""
    url = reverse("applications:instruction_detail", kwargs={"pk": _PLACEHOLDER})
    return url.split(str(_PLACEHOLDER))
