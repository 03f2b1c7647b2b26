"""The jury in session (issue 16): the agenda of a sitting, who is present, the votes.

A `JurySession` (reviews/models/jury.py) becomes a live sitting once members are convened:
its agenda lists the files in deliberation (`SessionItem`, in the ranking's order by
default), members check in (`Attendance`), and each item's vote collects one `SessionVote`
per member present. Closing the session turns each item's outcome into a pending
`JuryDecision` through the decision-recording service.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SessionState(models.TextChoices):
    OPEN = "open", _("Ouverte")
    CLOSED = "closed", _("Close")


class VoteState(models.TextChoices):
    """Where an item's vote stands; `reopened` is the second (and last) round."""

    NOT_OPENED = "not_opened", _("Vote non ouvert")
    OPEN = "open", _("Vote ouvert")
    CLOSED = "closed", _("Vote clos")
    REOPENED = "reopened", _("Vote rouvert")


# States in which a member's vote is accepted.
VOTING_STATES = frozenset({VoteState.OPEN, VoteState.REOPENED})


class VoteChoice(models.TextChoices):
    """A member's vote: one of the jury's categories (reviews.enums.JuryOutcome) or none."""

    LABEL = "label", _("Catégorie 1 — Label attribué")
    ESPOIRS = "espoirs", _("Label Espoirs")
    DEFERRED = "deferred", _("Catégorie 2 — Pris en considération")
    REFUSED = "refused", _("Catégorie 3 — Non retenu")
    ABSTENTION = "abstention", _("Abstention")


class SessionItem(models.Model):
    """One file on a session's agenda, its vote and what the jury wrote of it."""

    session = models.ForeignKey(
        "reviews.JurySession",
        verbose_name=_("séance"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("candidature"),
        on_delete=models.CASCADE,
        related_name="session_items",
    )
    position = models.PositiveSmallIntegerField(_("rang à l'ordre du jour"))
    vote_state = models.CharField(
        _("état du vote"), max_length=20, choices=VoteState.choices, default=VoteState.NOT_OPENED
    )
    vote_opened_at = models.DateTimeField(_("vote ouvert le"), null=True, blank=True)
    vote_closed_at = models.DateTimeField(_("vote clos le"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("vote rouvert le"), null=True, blank=True)
    reopen_reason = models.TextField(_("motif de la réouverture"), max_length=2000, blank=True)
    # The first round's counts, kept for the minutes when the vote is reopened.
    first_round = models.JSONField(_("décompte du premier tour"), null=True, blank=True)
    # Filled when the vote closes: the counts (never names) and the outcome under the rule.
    counts = models.JSONField(_("décompte"), null=True, blank=True)
    outcome = models.CharField(
        _("issue du vote"),
        max_length=20,
        blank=True,
        choices=[c for c in VoteChoice.choices if c[0] != VoteChoice.ABSTENTION],
    )
    tie_broken_by_president = models.BooleanField(
        _("égalité départagée par la voix du président"), default=False
    )
    motivation = models.TextField(_("motivation"), max_length=5000, blank=True)
    atouts = models.TextField(_("atouts"), max_length=5000, blank=True)

    class Meta:
        verbose_name = _("point de l'ordre du jour")
        verbose_name_plural = _("points de l'ordre du jour")
        ordering = ["session", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "application"], name="session_item_once_per_file"
            )
        ]

    def __str__(self):
        return f"{self.session_id} #{self.position}: {self.application}"

    @property
    def is_voting(self):
        return self.vote_state in VOTING_STATES

    @property
    def may_reopen(self):
        return self.vote_state == VoteState.CLOSED and self.reopened_at is None


class Attendance(models.Model):
    """A convened member checked in at a session, by staff or by themself."""

    session = models.ForeignKey(
        "reviews.JurySession",
        verbose_name=_("séance"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("membre"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pointé par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checked_in_at = models.DateTimeField(_("arrivé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("présence")
        verbose_name_plural = _("présences")
        ordering = ["session", "checked_in_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="attendance_once_per_member")
        ]

    def __str__(self):
        return f"{self.member} @ {self.session_id}"


class SessionVote(models.Model):
    """A member's vote on an item: one per (item, member); changed until the vote closes."""

    item = models.ForeignKey(
        SessionItem, verbose_name=_("point"), on_delete=models.CASCADE, related_name="votes"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("membre"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    choice = models.CharField(_("vote"), max_length=20, choices=VoteChoice.choices)
    cast_at = models.DateTimeField(_("voté le"))

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["item", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="vote_once_per_member")
        ]

    def __str__(self):
        return f"{self.item_id}: {self.member_id}"


class AdvisoryPanel(models.Model):
    """An advisory panel of a wave (e.g. « Jury jeunes »): its members read the shortlisted
    files and give an opinion the jury sees in session and the minutes cite."""

    wave = models.ForeignKey(
        "label.Wave",
        verbose_name=_("vague"),
        on_delete=models.CASCADE,
        related_name="advisory_panels",
    )
    name = models.CharField(_("nom"), max_length=120)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("membres"),
        blank=True,
        related_name="advisory_panels",
    )

    class Meta:
        verbose_name = _("instance consultative")
        verbose_name_plural = _("instances consultatives")
        ordering = ["wave", "name", "pk"]

    def __str__(self):
        return self.name


class AdvisoryOpinionChoice(models.TextChoices):
    FAVOURABLE = "favourable", _("Favorable")
    RESERVED = "reserved", _("Réservé")
    UNFAVOURABLE = "unfavourable", _("Défavorable")


class AdvisoryOpinion(models.Model):
    """A panel member's opinion on a shortlisted file, with a comment; changed until the file
    leaves deliberation."""

    panel = models.ForeignKey(
        AdvisoryPanel, verbose_name=_("instance"), on_delete=models.CASCADE, related_name="opinions"
    )
    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("candidature"),
        on_delete=models.CASCADE,
        related_name="advisory_opinions",
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("membre"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    opinion = models.CharField(_("avis"), max_length=20, choices=AdvisoryOpinionChoice.choices)
    comment = models.TextField(_("commentaire"), max_length=2000, blank=True)
    updated_at = models.DateTimeField(_("donné le"), auto_now=True)

    class Meta:
        verbose_name = _("avis consultatif")
        verbose_name_plural = _("avis consultatifs")
        ordering = ["panel", "application", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "application", "member"], name="advisory_opinion_once"
            )
        ]

    def __str__(self):
        return f"{self.panel}: {self.application_id}"
