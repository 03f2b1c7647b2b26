"""The « Cahier du label » of a wave: its introduction, and the PDF versions generated from it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BookletStatus(models.TextChoices):
    QUEUED = "queued", _("En attente")
    RUNNING = "running", _("En cours de génération")
    DONE = "done", _("Prêt")
    FAILED = "failed", _("Échec de la génération")


# A version still being made: a new generation of the same wave waits for it to end.
ACTIVE_STATUSES = (BookletStatus.QUEUED, BookletStatus.RUNNING)


class BookletSettings(models.Model):
    """What staff write for a wave's cahier before generating it: its introduction.

    The introduction belongs to the wave's edition, not to one generated file: staff write it
    once, generate, read the PDF, correct a sentence and generate again. Kept here, the text
    survives from one version to the next and is never lost with a failed one; each
    ``Booklet`` copies the text it was made from, so an old version still says what it
    printed after the introduction has changed.
    """

    wave = models.OneToOneField(
        "label.Wave",
        verbose_name=_("vague"),
        on_delete=models.CASCADE,
        related_name="booklet_settings",
    )
    introduction = models.TextField(
        _("introduction du cahier"),
        max_length=8000,
        blank=True,
        help_text=_(
            "Le mot d'introduction de l'édition, imprimé après la couverture. Séparez les "
            "paragraphes par une ligne vide ; **gras**, *italique* et les listes à tirets "
            "sont acceptés."
        ),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modifié par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("réglages du cahier")
        verbose_name_plural = _("réglages des cahiers")

    def __str__(self):
        return str(self.wave)


class Booklet(models.Model):
    """One generated version of a wave's « Cahier du label » (a PDF, versions 1, 2, …).

    Every generation makes a new version; the older ones stay with their files. At most one
    version of a wave is published at a time: the public list offers one cahier per edition.
    """

    wave = models.ForeignKey(
        "label.Wave",
        verbose_name=_("vague"),
        on_delete=models.PROTECT,
        related_name="booklets",
    )
    version = models.PositiveSmallIntegerField(_("version"))
    introduction = models.TextField(_("introduction imprimée"), blank=True)
    status = models.CharField(
        _("état"),
        max_length=10,
        choices=BookletStatus.choices,
        default=BookletStatus.QUEUED,
        db_index=True,
    )
    progress = models.PositiveSmallIntegerField(_("avancement (%)"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    # Private storage (MEDIA_ROOT is never served): the public reaches a published file
    # through booklets' own view, which checks it is published.
    file = models.FileField(_("fichier"), upload_to="cahiers/", max_length=200, blank=True)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("taille (octets)"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    # The last sign of life of the generation (taken, a project page prepared, the document
    # rendered; while queued, created_at stands for it): a version silent for too long was
    # left by a dead worker (booklets_expire_lost).
    heartbeat_at = models.DateTimeField(_("dernière avancée"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)

    class Meta:
        verbose_name = _("cahier du label")
        verbose_name_plural = _("cahiers du label")
        ordering = ["wave", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["wave", "version"], name="booklet_unique_version"),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="booklet_progress_at_most_100"
            ),
        ]

    def __str__(self):
        return _("Cahier du label de la vague %(number)s (version %(version)s)") % {
            "number": self.wave.number,
            "version": self.version,
        }

    @property
    def is_done(self):
        return self.status == BookletStatus.DONE

    @property
    def is_active(self):
        return self.status in ACTIVE_STATUSES

    @property
    def is_published(self):
        return self.published_at is not None
