"""The applicant's full dossier as a PDF: every answer (in the order of the wave's form, the
financing plan among them), and every attachment with its SHA-256 fingerprint, for the owner
and for staff."""

import hashlib

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views import View

from applications.models import Application
from applications.views.mixins import ApplicantAreaMixin
from label.pdf import render_pdf


def attachment_sha256(attachment):
    """The SHA-256 of an attachment: the one stored at upload, else computed from the file."""
    if attachment.sha256:
        return attachment.sha256
    digest = hashlib.sha256()
    with attachment.file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


class ApplicationDossierPdfView(ApplicantAreaMixin, View):
    """The full dossier of a filed application as a tagged A4 PDF, for its owner and staff."""

    def get(self, request, pk):
        application = (
            Application.objects.select_related("wave", "owner")
            .prefetch_related("communes")
            .filter(pk=pk)
            .first()
        )
        # Someone who may not see the file learns nothing, not even that it exists; a draft
        # belongs to its author until it is filed, so only filed dossiers have this PDF.
        if (
            application is None
            or not application.reference
            or not request.user.has_perm("applications.view_application", application)
        ):
            raise Http404
        # The documents of the dossier; those sent with a message belong to the thread.
        attachments = [
            (attachment, attachment_sha256(attachment))
            for attachment in application.attachments.filter(message__isnull=True).order_by(
                "kind", "created_at", "pk"
            )
        ]
        title = _("Dossier de candidature %(reference)s") % {"reference": application.reference}
        pdf = render_pdf(
            template_name="applications/dossier_pdf.html",
            context={
                "application": application,
                "attachments": attachments,
                "communes": sorted(commune.name for commune in application.communes.all()),
            },
            title=title,
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="dossier-{application.reference}.pdf"'
        )
        response["Cache-Control"] = "private, no-store"
        return response
