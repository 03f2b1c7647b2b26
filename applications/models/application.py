from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition

from applications import conditions
from applications.enums import (
    ANNOUNCED_STATES,
    EDITABLE_STATES,
    WITHDRAWABLE_STATES,
    ApplicationState,
)
from applications.validators import validate_siret
from label.enums import Award, HolderType, Theme
from label.text import search_normalise

S = ApplicationState
SUMMARY_MAX_LENGTH = 500
LONG_TEXT_MAX_LENGTH = 10_000
# Fields whose text staff search through (the normalised copy is `search_text`).
SEARCHED_FIELDS = ("reference", "title", "holder_name")


class ApplicationQuerySet(models.QuerySet):
    def owned_by(self, user):
        return self.filter(owner=user)

    def with_theme(self, code):
        """Applications that carry a theme (portable across SQLite and PostgreSQL)."""
        return self.filter(themes_index__contains=f"|{code}|")


class Application(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    """An application (dossier d'intention) of a project holder to one wave of the label."""

    wave = models.ForeignKey(
        "label.Wave", verbose_name=_("vague"), on_delete=models.PROTECT, related_name="applications"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("titulaire du compte"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    state = FSMField(
        _("état"), max_length=20, choices=ApplicationState.choices, default=S.DRAFT, protected=True
    )
    reference = models.CharField(
        _("référence"), max_length=20, unique=True, null=True, blank=True, editable=False
    )
    reference_number = models.PositiveIntegerField(null=True, blank=True, editable=False)
    carried_over_from = models.OneToOneField(
        "self",
        verbose_name=_("reprise du dossier"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_over_to",
    )

    # Holder
    holder_name = models.CharField(_("nom de la structure porteuse"), max_length=200, blank=True)
    holder_type = models.CharField(
        _("type de porteur"), max_length=30, choices=HolderType.choices, blank=True
    )
    siret = models.CharField(
        _("SIRET"),
        max_length=14,
        blank=True,
        validators=[validate_siret],
        help_text=_("Facultatif : 14 chiffres."),
    )
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    postcode = models.CharField(_("code postal"), max_length=5, blank=True)
    city = models.CharField(_("commune du siège"), max_length=100, blank=True)
    contact_name = models.CharField(_("personne à contacter"), max_length=150, blank=True)
    contact_email = models.EmailField(_("e-mail du contact"), blank=True)
    contact_phone = models.CharField(_("téléphone du contact"), max_length=30, blank=True)

    # Project
    title = models.CharField(_("titre du projet"), max_length=200, blank=True)
    summary = models.TextField(
        _("résumé"),
        blank=True,
        validators=[MaxLengthValidator(SUMMARY_MAX_LENGTH)],
        help_text=_("500 caractères au plus."),
    )
    themes = models.JSONField(_("thématiques"), default=list, blank=True)
    # "|energie|mobilites|": lets every database filter on one theme with a plain LIKE.
    themes_index = models.CharField(max_length=300, blank=True, editable=False, db_index=True)
    communes = models.ManyToManyField(
        "label.Commune", verbose_name=_("communes"), blank=True, related_name="applications"
    )
    territory_wide = models.BooleanField(
        _("tout le territoire du Pôle métropolitain"), default=False
    )

    total_cost = models.DecimalField(
        _("coût total du projet (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    # The answers to the non-builtin questions of the wave's form (callforms), by question
    # key: one row per application, validated against the form's version by the kinds.
    answers = models.JSONField(_("réponses"), default=dict, blank=True)

    # Consent to the processing of personal data (RGPD notice shown beside it)
    consent_given_at = models.DateTimeField(_("consentement donné le"), null=True, blank=True)

    # Workflow data
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    submitted_at = models.DateTimeField(_("déposée le"), null=True, blank=True)
    last_submitted_at = models.DateTimeField(_("dernier dépôt le"), null=True, blank=True)
    changes_requested_at = models.DateTimeField(null=True, blank=True)
    changes_deadline = models.DateField(_("date limite des compléments"), null=True, blank=True)
    eligibility_checklist = models.JSONField(_("grille de recevabilité"), default=dict, blank=True)
    eligibility_decided_at = models.DateTimeField(null=True, blank=True)
    selected_at = models.DateTimeField(null=True, blank=True)
    sent_to_jury_at = models.DateTimeField(null=True, blank=True)
    missing_reviews_waived = models.BooleanField(default=False)
    award = models.CharField(_("distinction"), max_length=10, choices=Award.choices, blank=True)
    announced_at = models.DateTimeField(_("décision annoncée le"), null=True, blank=True)
    decision_read_at = models.DateTimeField(_("décision lue le"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("retirée le"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("label retiré le"), null=True, blank=True)
    closing_motivation = models.TextField(_("motivation"), blank=True)
    # Normalised reference, title and holder (see search_normalise), kept by save().
    search_text = models.TextField(blank=True, editable=False)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("candidature")
        verbose_name_plural = _("candidatures")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "reference_number"], name="application_unique_number_per_wave"
            )
        ]
        indexes = [models.Index(fields=["wave", "state"], name="application_wave_state_idx")]

    def __str__(self):
        return self.title or str(_("Candidature sans titre"))

    def save(self, *args, **kwargs):
        self.themes_index = "|" + "|".join(sorted(self.themes or [])) + "|" if self.themes else ""
        self.search_text = "\n".join(
            search_normalise(getattr(self, name)) for name in SEARCHED_FIELDS
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "themes" in update_fields:
            kwargs["update_fields"] = update_fields = {*update_fields, "themes_index"}
        if update_fields is not None and set(SEARCHED_FIELDS) & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    @property
    def is_editable(self):
        """May the applicant change the dossier now? (the one definition: rules ask it)"""
        return self.state in EDITABLE_STATES

    @property
    def is_withdrawable(self):
        """May the applicant still withdraw the file? (filed and not decided yet)"""
        return self.state in WITHDRAWABLE_STATES

    @property
    def theme_labels(self):
        labels = dict(Theme.choices)
        return [labels.get(code, code) for code in self.themes or []]

    # Transitions: they only set the fields of the move. Saving, history, mail and locking
    # are the job of the functions of applications/workflow.py, which alone call them.

    @transition(
        field=state,
        source=S.DRAFT,
        target=S.SUBMITTED,
        conditions=[conditions.is_wave_open, conditions.is_complete],
    )
    def submit(self):
        now = timezone.now()
        self.submitted_at = now
        self.last_submitted_at = now

    @transition(field=state, source=S.SUBMITTED, target=S.CHANGES_REQUESTED)
    def request_changes(self, *, deadline=None):
        self.changes_requested_at = timezone.now()
        self.changes_deadline = deadline

    # Completion is allowed after the wave closed: the file was filed in time.
    @transition(
        field=state,
        source=S.CHANGES_REQUESTED,
        target=S.SUBMITTED,
        conditions=[conditions.is_complete],
    )
    def resubmit(self):
        self.last_submitted_at = timezone.now()
        self.changes_deadline = None

    @transition(
        field=state,
        source=S.SUBMITTED,
        target=S.ELIGIBLE,
        conditions=[conditions.has_filled_eligibility_checklist],
    )
    def declare_eligible(self):
        self.eligibility_decided_at = timezone.now()

    @transition(field=state, source=S.SUBMITTED, target=S.INELIGIBLE)
    def declare_ineligible(self, *, motivation):
        self.eligibility_decided_at = timezone.now()
        self.closing_motivation = motivation

    @transition(field=state, source=S.ELIGIBLE, target=S.IN_REVIEW)
    def select_for_review(self):
        self.selected_at = timezone.now()

    @transition(field=state, source=S.ELIGIBLE, target=S.NOT_SELECTED)
    def not_select(self, *, motivation):
        self.closing_motivation = motivation

    @transition(field=state, source=S.IN_REVIEW, target=S.DELIBERATION)
    def send_to_jury(self, *, missing_reviews_waived=False):
        self.sent_to_jury_at = timezone.now()
        self.missing_reviews_waived = missing_reviews_waived

    @transition(field=state, source=S.DELIBERATION, target=RETURN_VALUE(*ANNOUNCED_STATES))
    def announce(self, *, outcome, award="", motivation=""):
        self.announced_at = timezone.now()
        self.award = award if outcome == S.LABELLED else ""
        self.closing_motivation = motivation
        return outcome

    @transition(field=state, source=WITHDRAWABLE_STATES, target=S.WITHDRAWN)
    def withdraw(self):
        self.withdrawn_at = timezone.now()

    @transition(field=state, source=S.LABELLED, target=S.REVOKED)
    def revoke(self, *, motivation):
        self.revoked_at = timezone.now()
        self.closing_motivation = motivation

    @transition(field=state, source=[S.INELIGIBLE, S.NOT_SELECTED], target=S.SUBMITTED)
    def reopen(self):
        self.closing_motivation = ""
        self.eligibility_decided_at = None
