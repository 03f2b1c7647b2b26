"""Certificate downloads and the staff pages of certificates.

- the owner of a labelled application downloads the version in force of its certificate;
- staff download any version, a wave's certificates as one ZIP, read the history of an
  application's certificate and re-issue it with a reason (a confirmation page first).

Someone who may not see the application gets a 404, which tells nothing of its existence.
"""

import tempfile

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin, LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from applications.models import Application
from certificates.models import Certificate
from certificates.services import (
    certificate_is_downloadable_by,
    certificate_issue,
    certificate_list_for_application,
    certificate_wave_archive,
)
from label.models import Wave

# An archive of up to this size stays in memory; a bigger one spills to a temporary file.
ARCHIVE_MEMORY_LIMIT = 32 * 1024 * 1024


class CertificateDownloadView(LoginRequiredMixin, View):
    """The PDF of one certificate version: the owner's version in force, or any for staff."""

    def get(self, request, pk):
        certificate = Certificate.objects.select_related("application").filter(pk=pk).first()
        if certificate is None or not request.user.has_perm(
            "applications.view_application", certificate.application
        ):
            raise Http404
        if not certificate_is_downloadable_by(request.user, certificate):
            raise Http404
        filename = f"certificat-{certificate.number}-v{certificate.version}.pdf"
        response = FileResponse(
            certificate.file.open("rb"),
            as_attachment=True,
            filename=filename,
            content_type="application/pdf",
        )
        response["Cache-Control"] = "private, no-store"
        return response


class CertificateStaffMixin(AccessMixin):
    """The instruction team only: login for visitors, the 403 page for other accounts."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.has_perm("label.access_instruction_area"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class WaveCertificatesArchiveView(CertificateStaffMixin, View):
    """Every certificate in force of a wave's labelled projects, one PDF each, in a ZIP."""

    def get(self, request, wave_pk):
        wave = get_object_or_404(Wave, pk=wave_pk)
        archive = tempfile.SpooledTemporaryFile(max_size=ARCHIVE_MEMORY_LIMIT)  # noqa: SIM115 -- FileResponse closes it
        certificate_wave_archive(wave=wave, fileobj=archive)
        archive.seek(0)
        response = FileResponse(
            archive,
            as_attachment=True,
            filename=f"certificats-vague-{wave.number}.zip",
            content_type="application/zip",
        )
        response["Cache-Control"] = "private, no-store"
        return response


class StaffCertificateMixin(CertificateStaffMixin):
    """Loads the application of the URL once the role is checked."""

    def get_application(self):
        if not hasattr(self, "_application"):
            self._application = get_object_or_404(
                Application.objects.select_related("wave"), pk=self.kwargs["application_pk"]
            )
            if not self.request.user.has_perm("applications.view_application", self._application):
                raise Http404
        return self._application


class CertificateHistoryView(StaffCertificateMixin, TemplateView):
    """Every version of an application's certificate, with its state, reason and file."""

    template_name = "certificates/certificate_history.html"

    def get_context_data(self, **kwargs):
        application = self.get_application()
        return super().get_context_data(
            application=application,
            certificates=certificate_list_for_application(application),
            can_reissue=self.request.user.has_perm("certificates.reissue_certificate", application),
            **kwargs,
        )


class CertificateReissueForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Motif de la réémission"),
        help_text=gettext_lazy(
            "Par exemple : correction du titre du projet. Le motif reste interne à l'équipe."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )


class CertificateReissueView(StaffCertificateMixin, FormView):
    """Confirmation page, then a new version of the certificate (the old one is kept)."""

    template_name = "certificates/certificate_reissue.html"
    form_class = CertificateReissueForm

    def get_context_data(self, **kwargs):
        application = self.get_application()
        return super().get_context_data(
            application=application,
            current=application.certificates.current_version(),
            **kwargs,
        )

    def form_valid(self, form):
        application = self.get_application()
        try:
            certificate = certificate_issue(
                application=application,
                reason=form.cleaned_data["reason"],
                by=self.request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "La version %(version)s du certificat %(number)s est émise ; "
                "le PDF sera prêt dans quelques instants."
            )
            % {"version": certificate.version, "number": certificate.number},
        )
        return redirect("certificates:history", application_pk=application.pk)
