from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from reviews.enums import Opinion, ReviewState

R = ReviewState


class Review(FSMModelMixin, models.Model):
    """A reviewer's scoring of one application on the wave's grid, with their opinion.

    A draft may change freely; submitting locks it; only staff may reopen it, with a reason.
    """

    assignment = models.OneToOneField(
        "reviews.Assignment",
        verbose_name=_("attribution"),
        on_delete=models.CASCADE,
        related_name="review",
    )
    state = FSMField(
        _("état"), max_length=20, choices=ReviewState.choices, default=R.DRAFT, protected=True
    )
    opinion = models.CharField(_("avis global"), max_length=20, choices=Opinion.choices, blank=True)
    shared_comment = models.TextField(
        _("commentaire transmissible au porteur"),
        blank=True,
        max_length=5000,
        help_text=_("Peut être communiqué au porteur de projet après la décision, sans votre nom."),
    )
    private_comment = models.TextField(
        _("commentaire réservé au jury"),
        blank=True,
        max_length=5000,
        help_text=_("Jamais communiqué au porteur de projet."),
    )
    created_at = models.DateTimeField(_("commencée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    # The last submission; kept when staff reopen the review, so the grid stays locked.
    submitted_at = models.DateTimeField(_("remise le"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("rouverte le"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rouverte par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reopen_reason = models.TextField(_("motif de la réouverture"), blank=True)

    class Meta:
        verbose_name = _("évaluation")
        verbose_name_plural = _("évaluations")
        ordering = ["pk"]

    def __str__(self):
        return str(self.assignment)

    @property
    def is_submitted(self):
        return self.state == R.SUBMITTED

    # Transitions only set the fields of the move; reviews/workflow.py saves and notifies.

    @transition(field=state, source=R.DRAFT, target=R.SUBMITTED)
    def submit(self):
        self.submitted_at = timezone.now()

    @transition(field=state, source=R.SUBMITTED, target=R.DRAFT)
    def reopen(self, *, by, reason):
        self.reopened_at = timezone.now()
        self.reopened_by = by
        self.reopen_reason = reason


class Score(models.Model):
    """The score one review gives one criterion, with the reviewer's comment on it."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    # A criterion removed from a grid takes its draft scores along (the grid can only change
    # before the first review of the wave is submitted).
    criterion = models.ForeignKey(
        "reviews.Criterion", verbose_name=_("critère"), on_delete=models.CASCADE, related_name="+"
    )
    value = models.PositiveSmallIntegerField(_("note"), null=True, blank=True)
    comment = models.TextField(_("commentaire"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["review", "criterion__position", "criterion__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "criterion"], name="score_unique_criterion_per_review"
            )
        ]

    def __str__(self):
        return f"{self.criterion.code}: {self.value}"
