"""The jury's work on a wave: its sessions, the recusals of its members, its decisions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reviews.enums import LABELLING_OUTCOMES, JuryOutcome
from reviews.models.sessions import SessionState


class JuryDecisionQuerySet(models.QuerySet):
    def pending(self):
        """Decisions recorded and not announced yet: invisible to the applicant."""
        return self.filter(announced_at__isnull=True)


class JuryDecision(models.Model):
    """The jury's decision on one application in deliberation, pending until announced.

    The row is data, not a move: staff (or the jury, when the wave allows it) may record and
    change it until the wave's announcement applies it through the `announce` transition and
    stamps `announced_at`. Before that, nothing of it reaches the applicant.
    """

    application = models.OneToOneField(
        "applications.Application",
        verbose_name=_("candidature"),
        on_delete=models.CASCADE,
        related_name="jury_decision",
    )
    outcome = models.CharField(_("décision"), max_length=20, choices=JuryOutcome.choices)
    motivation = models.TextField(
        _("motivation"),
        max_length=5000,
        help_text=_("Communiquée au porteur de projet lors de l'annonce."),
    )
    conditions = models.TextField(
        _("conditions"),
        max_length=5000,
        blank=True,
        help_text=_("Facultatif : « sous réserve de … », communiqué au porteur lors de l'annonce."),
    )
    atouts = models.TextField(
        _("atouts"),
        max_length=5000,
        blank=True,
        help_text=_("Les forces que le jury reconnaît au projet ; publiées avec le label."),
    )
    # Reviews whose comment for the applicant (`shared_comment`, never the private one nor
    # the reviewer's name) the jury chose to pass on.
    shared_reviews = models.ManyToManyField(
        "reviews.Review",
        verbose_name=_("commentaires d'évaluateurs transmis"),
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enregistrée par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("enregistrée le"))
    announced_at = models.DateTimeField(_("annoncée le"), null=True, blank=True)

    objects = JuryDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("décision du jury")
        verbose_name_plural = _("décisions du jury")
        ordering = ["application__reference", "pk"]

    def __str__(self):
        return f"{self.application.reference or self.application_id}: {self.get_outcome_display()}"

    @property
    def is_announced(self):
        return self.announced_at is not None

    @property
    def labels_the_project(self):
        return self.outcome in LABELLING_OUTCOMES


class JurySession(models.Model):
    """A sitting of the jury for a wave: when, where, who was there (for the minutes)."""

    wave = models.ForeignKey(
        "label.Wave",
        verbose_name=_("vague"),
        on_delete=models.CASCADE,
        related_name="jury_sessions",
    )
    held_on = models.DateField(_("date de la séance"))
    place = models.CharField(_("lieu"), max_length=200)
    members_present = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("membres présents"),
        blank=True,
        related_name="+",
    )
    notes = models.TextField(
        _("notes de séance"),
        max_length=10_000,
        blank=True,
        help_text=_("Reprises au procès-verbal ; jamais montrées aux porteurs de projet."),
    )
    # The live sitting (issue 16). A session recorded after the fact convenes nobody.
    members_convened = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("membres convoqués"),
        blank=True,
        related_name="+",
    )
    quorum = models.PositiveSmallIntegerField(
        _("quorum"),
        null=True,
        blank=True,
        help_text=_("Présents requis pour voter ; la moitié des convoqués par défaut."),
    )
    president = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("président"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Sa voix départage une égalité."),
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("animateur de la séance"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    current_item = models.ForeignKey(
        "reviews.SessionItem",
        verbose_name=_("point en cours"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(
        _("état"), max_length=10, choices=SessionState.choices, default=SessionState.OPEN
    )
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("séance du jury")
        verbose_name_plural = _("séances du jury")
        ordering = ["wave", "held_on", "pk"]

    def __str__(self):
        return _("Séance du %(date)s — %(place)s") % {
            "date": self.held_on.strftime("%d/%m/%Y"),
            "place": self.place,
        }

    @property
    def quorum_required(self):
        """Members present needed for a vote: the quorum set, else half the convened (rounded
        up, at least one)."""
        if self.quorum:
            return self.quorum
        return max(1, (self.members_convened.count() + 1) // 2)

    @property
    def is_open(self):
        return self.state == SessionState.OPEN


class Recusal(models.Model):
    """A jury member who may not deliberate on an application, and why.

    `automatic` rows come from the conflict rules (the holder's organisation, a mandate in
    one of the project's communes), recorded the first time the member meets the file; the
    others are the member's own « je me récuse », with the personal link they declare.
    """

    wave = models.ForeignKey(
        "label.Wave", verbose_name=_("vague"), on_delete=models.CASCADE, related_name="+"
    )
    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("candidature"),
        on_delete=models.CASCADE,
        related_name="recusals",
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("membre du jury"),
        on_delete=models.CASCADE,
        related_name="recusals",
    )
    session = models.ForeignKey(
        JurySession,
        verbose_name=_("séance"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recusals",
    )
    reason = models.TextField(_("motif"), max_length=2000)
    automatic = models.BooleanField(_("relevée par les règles de conflit"), default=False)
    created_at = models.DateTimeField(_("récusé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("récusation")
        verbose_name_plural = _("récusations")
        ordering = ["application__reference", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "member"], name="recusal_once_per_member_and_file"
            )
        ]

    def __str__(self):
        return f"{self.member} / {self.application}"


class JuryMember(models.Model):
    """A member of a wave's jury, as staff compose it; one of them may preside.

    The composition is the default of the wave's sittings: a live sitting convenes these
    members, presided by the president, unless staff change them for that sitting.
    """

    wave = models.ForeignKey(
        "label.Wave",
        verbose_name=_("vague"),
        on_delete=models.CASCADE,
        related_name="jury_members",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("membre"),
        on_delete=models.CASCADE,
        related_name="jury_memberships",
    )
    president = models.BooleanField(_("président ou présidente"), default=False)
    created_at = models.DateTimeField(_("ajouté le"), auto_now_add=True)

    class Meta:
        verbose_name = _("membre du jury de la vague")
        verbose_name_plural = _("composition du jury")
        ordering = ["wave", "-president", "user__full_name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["wave", "user"], name="jury_member_once_per_wave"),
            models.UniqueConstraint(
                fields=["wave"],
                condition=models.Q(president=True),
                name="jury_one_president_per_wave",
            ),
        ]

    def __str__(self):
        return f"{self.wave} — {self.user}"
