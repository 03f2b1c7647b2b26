from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AssignmentQuerySet(models.QuerySet):
    def active(self):
        """Assignments the reviewer has not withdrawn from by declaring a conflict."""
        return self.filter(conflict_declared_at__isnull=True)


class Assignment(models.Model):
    """One application given to one reviewer to score, with its due date.

    A declared conflict of interest does not delete the row: it stays, flagged, for the
    record of who was asked and why they stood down, and the file is hidden from them.
    """

    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("candidature"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("évaluateur"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    committee = models.ForeignKey(
        "reviews.Committee",
        verbose_name=_("comité"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assignments",
    )
    due_on = models.DateField(_("date limite de l'évaluation"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("attribuée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("attribuée le"), auto_now_add=True)
    confidentiality_accepted_at = models.DateTimeField(
        _("confidentialité acceptée le"), null=True, blank=True
    )
    conflict_declared_at = models.DateTimeField(
        _("conflit d'intérêts déclaré le"), null=True, blank=True
    )
    conflict_reason = models.TextField(_("nature du conflit d'intérêts"), blank=True)
    reminder_before_sent_at = models.DateTimeField(
        _("rappel avant l'échéance envoyé le"), null=True, blank=True
    )
    reminder_due_sent_at = models.DateTimeField(
        _("rappel à l'échéance envoyé le"), null=True, blank=True
    )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attribution")
        verbose_name_plural = _("attributions")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="assignment_unique_reviewer_per_file"
            )
        ]

    def __str__(self):
        return f"{self.application} → {self.reviewer}"

    @property
    def has_conflict(self):
        return self.conflict_declared_at is not None

    @property
    def is_accepted(self):
        """Has the reviewer accepted confidentiality and declared no conflict?"""
        return self.confidentiality_accepted_at is not None and not self.has_conflict
