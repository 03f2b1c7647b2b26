from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderKind(models.TextChoices):
    """The reminders an owner of an unsubmitted draft receives before the wave closes."""

    SEVEN_DAYS = "j7", _("7 jours avant la clôture")
    ONE_DAY = "j1", _("1 jour avant la clôture")


class DraftReminder(models.Model):
    """The record that a reminder was mailed for a draft; at most one per kind."""

    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("rappel"), max_length=2, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("rappel de dépôt")
        verbose_name_plural = _("rappels de dépôt")
        constraints = [
            # The unique pair is what makes the hourly task send each reminder once, even
            # when two beats run it at the same time.
            models.UniqueConstraint(
                fields=["application", "kind"], name="draft_reminder_once_per_kind"
            )
        ]

    def __str__(self):
        return f"{self.application_id}: {self.get_kind_display()}"
