"""Exports of the staff table, written in the background: ask, follow, download, retry.

The dashboard's form and the bulk action « Exporter la sélection » still send their query
string to /instruction/export/; it now records an ExportJob and redirects to its page, where
a progress bar follows the task (static/js/export-progress.js polls the JSON state; without
JavaScript, the « Actualiser » link reloads the page). The file is served only through the
download view, which the audit middleware records as an export (label/audit.py).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView, View

from applications.export_jobs import (
    EXPORT_KEEP_DAYS,
    export_job_create,
    export_job_file_name,
    export_job_retry,
    export_jobs_expire_lost,
    export_parameters,
)
from applications.exports import EXPORT_FORMATS
from applications.models import ExportJob, ExportStatus
from applications.views.instruction import InstructionAccessMixin, _selected_wave


class InstructionExportView(InstructionAccessMixin, TemplateView):
    """Ask for an export of the filtered table (or of the ticked files), then follow it.

    The parameters come in the query string (the bulk action « Exporter la sélection » links
    here) and in the dashboard form's fields. A GET only shows what will be exported and a
    « Préparer l'export » button: the job is recorded by the POST, so that no link followed
    by a staff member's browser starts work on its own.
    """

    template_name = "applications/export_confirm.html"

    def _query(self):
        query = self.request.GET.copy()
        for name, values in self.request.POST.lists():
            if name != "csrfmiddlewaretoken":
                query.setlist(name, values)
        return query

    def get_context_data(self, **kwargs):
        query = self._query()
        _waves, wave = _selected_wave(self.request, query)
        if wave is None:
            raise Http404
        parameters = export_parameters(query)
        export_format = (parameters.get("format") or ["csv"])[0]
        return super().get_context_data(
            wave=wave,
            export_label=EXPORT_FORMATS.get(export_format, EXPORT_FORMATS["csv"])[0],
            selected_count=len(parameters.get("ids", [])),
            hidden=[(name, value) for name, values in parameters.items() for value in values],
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        query = self._query()
        _waves, wave = _selected_wave(request, query)
        if wave is None:
            raise Http404
        job = export_job_create(wave=wave, parameters=export_parameters(query), by=request.user)
        return redirect("applications:instruction_job", pk=job.pk)


class ExportJobMixin(InstructionAccessMixin):
    """Loads the export of the URL once the role is checked, then its object rule.

    Exports a dead worker left « en cours » are marked failed first, so the page, its JSON
    state and « Relancer » see a lost job as failed even when beat does not run.
    """

    job = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm("label.access_instruction_area"):
            export_jobs_expire_lost()
            self.job = get_object_or_404(ExportJob.objects.select_related("wave"), pk=kwargs["pk"])
            if not request.user.has_perm("applications.view_export_job", self.job):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def job_state(job):
    """What the page and its JSON say about an export: once done, how many rows its file
    holds; once failed, why, in the words the staff member reads."""
    done = job.status == ExportStatus.DONE and job.row_count is not None
    return {
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "progress": job.progress,
        "row_count": job.row_count,
        "row_count_label": (
            ngettext(
                "Le fichier compte %(count)s candidature.",
                "Le fichier compte %(count)s candidatures.",
                job.row_count,
            )
            % {"count": job.row_count}
            if done
            else ""
        ),
        "error_message": str(job.failure_reason) if job.status == ExportStatus.FAILED else "",
        "download_url": (
            reverse("applications:instruction_export_download", kwargs={"pk": job.pk})
            if job.status == ExportStatus.DONE
            else ""
        ),
    }


class ExportJobView(ExportJobMixin, TemplateView):
    """The page of one export: its progress, then « Télécharger » or « Relancer »."""

    template_name = "applications/export_job.html"

    def get_context_data(self, **kwargs):
        job = self.job
        return super().get_context_data(
            job=job,
            state=job_state(job),
            format_label=EXPORT_FORMATS[job.format][0],
            keep_days=EXPORT_KEEP_DAYS,
            home_url=f"{reverse('applications:instruction_home')}?wave={job.wave.number}",
            **kwargs,
        )


class ExportJobStateView(ExportJobMixin, View):
    """The state of an export as JSON, polled by static/js/export-progress.js."""

    def get(self, request, *args, **kwargs):
        response = JsonResponse(job_state(self.job))
        response["Cache-Control"] = "no-store"
        return response


class ExportJobDownloadView(ExportJobMixin, View):
    """The export's file, once written (audited as an export by label/audit.py)."""

    def get(self, request, *args, **kwargs):
        job = self.job
        if job.status != ExportStatus.DONE or not job.file:
            raise Http404
        try:
            handle = job.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, as_attachment=True, filename=export_job_file_name(job))
        response["Content-Type"] = EXPORT_FORMATS[job.format][1]
        response["Cache-Control"] = "private, no-store"
        return response


class ExportJobRetryView(ExportJobMixin, View):
    """Queue a failed export again with the same parameters."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if export_job_retry(self.job):
            messages.success(request, _("L'export a été relancé."))
        else:
            messages.info(request, _("Cet export n'a pas échoué : il n'y a rien à relancer."))
        return redirect("applications:instruction_job", pk=self.job.pk)
