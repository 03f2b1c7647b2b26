"""The call's form of a wave: sections of ordered questions (issue 12).

The form is read through `callforms.declaration.form_for`, never by walking these rows: that
frozen declaration is the one every other part of the portal uses.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from callforms.enums import QuestionKind


class CallForm(models.Model):
    """The form of one wave; `version` grows with every edit (optimistic concurrency)."""

    wave = models.OneToOneField(
        "label.Wave", verbose_name=_("vague"), on_delete=models.CASCADE, related_name="call_form"
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    locked_at = models.DateTimeField(_("verrouillé le"), null=True, blank=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modifié par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("formulaire de l'appel")
        verbose_name_plural = _("formulaires des appels")

    def __str__(self):
        return str(_("Formulaire — %(wave)s") % {"wave": self.wave})

    @property
    def is_locked(self):
        return self.locked_at is not None


class Section(models.Model):
    """A step of the dossier: a title, an introduction, its questions in order."""

    form = models.ForeignKey(CallForm, on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField(_("clé"), max_length=50)
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("titre"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["form", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["form", "key"], name="section_unique_key_per_form")
        ]

    def __str__(self):
        return self.title


class Question(models.Model):
    """A question of the form. Its `key` names the answer in Application.answers and maps it
    from one wave's form to the next: it never changes once created."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    # Unique per form: checked by the services (the form is two joins away).
    key = models.SlugField(_("clé"), max_length=50)
    position = models.PositiveIntegerField(_("position"), default=0)
    label = models.CharField(_("libellé"), max_length=300)
    help_text = models.TextField(_("texte d'aide"), blank=True)
    required = models.BooleanField(_("obligatoire"), default=False)
    kind = models.CharField(_("type"), max_length=20, choices=QuestionKind.choices)
    options = models.JSONField(_("options"), default=dict, blank=True)
    condition_key = models.SlugField(_("condition : question"), max_length=50, blank=True)
    condition_value = models.CharField(_("condition : réponse"), max_length=200, blank=True)
    visible_to_reviewers = models.BooleanField(_("visible des évaluateurs"), default=True)
    visible_to_jury = models.BooleanField(_("visible du jury"), default=True)
    visible_public = models.BooleanField(_("visible du public"), default=False)
    criteria_codes = models.JSONField(_("critères de la grille"), default=list, blank=True)
    builtin_field = models.CharField(_("champ du portail"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["section__position", "position", "pk"]

    def __str__(self):
        return self.label

    @property
    def is_builtin(self):
        return self.kind == QuestionKind.BUILTIN
