"""An export of the staff table, written in the background (applications/exports.py)."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def export_upload_to(job, filename):
    """A random name in private storage: the file is served only through a checked view."""
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"exports/{secrets.token_hex(16)}.{extension}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminé")
    FAILED = "failed", _("Échec")


# The `error` of a job that stopped moving (its worker died): export_jobs_expire_lost.
EXPORT_ERROR_LOST = "lost"


class ExportJob(models.Model):
    """One export asked for by a staff member: its parameters, its progress and its file.

    `parameters` keeps the query string of the request (wave, filters, search, sort, ids,
    columns) as lists of strings, so the task rebuilds exactly the table the staff member saw.
    """

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandé par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    wave = models.ForeignKey(
        "label.Wave", verbose_name=_("vague"), on_delete=models.CASCADE, related_name="+"
    )
    parameters = models.JSONField(_("paramètres"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=8, default="csv")
    status = models.CharField(
        _("état"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("avancement (%)"), default=0)
    row_count = models.PositiveIntegerField(_("nombre de lignes"), null=True, blank=True)
    file = models.FileField(_("fichier"), upload_to=export_upload_to, max_length=200, blank=True)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)
    error = models.CharField(_("erreur"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    # When a worker took the job: also the mark of that run, so that a worker which wakes
    # up after the job was declared lost and queued again writes nothing over the new run.
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    # The last sign of life of the job (queued again, taken, a step of progress; until then,
    # created_at stands for it): a job silent for too long is lost (export_jobs_expire_lost).
    heartbeat_at = models.DateTimeField(_("dernière avancée"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_at"], name="exportjob_created_idx")]

    def __str__(self):
        return f"export {self.pk} ({self.status})"

    @property
    def is_finished(self):
        return self.status in {ExportStatus.DONE, ExportStatus.FAILED}

    @property
    def failure_reason(self):
        """What the staff member reads on the page of a failed export."""
        if self.error == EXPORT_ERROR_LOST:
            return _(
                "La préparation du fichier s'est interrompue : le service de tâches a sans "
                "doute été redémarré. Relancez-la avec les mêmes critères."
            )
        return _(
            "L'export n'a pas pu être préparé. Vous pouvez le relancer avec les mêmes "
            "critères ; si l'échec se répète, merci de prévenir l'administrateur du portail."
        )
