"""The person's data (/comptes/mes-donnees/) and the public privacy notice.

- ``PrivacyNoticeView``: /donnees-personnelles/, with the retention periods of the settings;
- ``MyDataView``: what the portal holds, the download and the deletion;
- ``MyDataExportView``: the ZIP of label/privacy.py (JSON and documents);
- ``AccountDeleteView``: the confirmation page, which lists what will be deleted and what
  the public body keeps, then the deletion after the password (label/privacy.py).
"""

import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from accounts.otp import device_get_confirmed
from label.audit import audit_record
from label.models import AuditAction
from privacy import services
from privacy.forms import AccountDeleteForm

# An export up to this size stays in memory; a bigger one spills to a temporary file.
EXPORT_MEMORY_LIMIT = 16 * 1024 * 1024


def retention_periods():
    """The retention settings, for the pages that tell them."""
    return {
        "draft_months": settings.RETENTION_DRAFT_MONTHS,
        "draft_warning_days": settings.RETENTION_DRAFT_WARNING_DAYS,
        "closed_file_years": settings.RETENTION_CLOSED_FILE_YEARS,
        "inactive_account_years": settings.RETENTION_INACTIVE_ACCOUNT_YEARS,
        "account_warning_days": settings.RETENTION_ACCOUNT_WARNING_DAYS,
        "outbox_days": settings.RETENTION_OUTBOX_DAYS,
        "interest_months": settings.RETENTION_INTEREST_MONTHS,
        "audit_months": settings.RETENTION_AUDIT_MONTHS,
        "photo_file_days": settings.RETENTION_PHOTO_FILE_DAYS,
    }


class PrivacyNoticeView(TemplateView):
    """/donnees-personnelles/: what is processed, why, how long, the rights, whom to ask."""

    template_name = "privacy/notice.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            retention=retention_periods(),
            processors=settings.PRIVACY_PROCESSORS,
            data_protection={
                "email": settings.DATA_PROTECTION_CONTACT_EMAIL,
                "address": settings.DATA_PROTECTION_CONTACT_ADDRESS,
            },
            **kwargs,
        )


class MyDataView(LoginRequiredMixin, TemplateView):
    """The person's data: what is held, the download, the deletion."""

    template_name = "privacy/my_data.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            application_count=user.applications.count(),
            two_factor=device_get_confirmed(user) is not None,
            deletion_refusal=services.account_deletion_refusal(user),
            retention=retention_periods(),
            **kwargs,
        )


class MyDataExportView(LoginRequiredMixin, View):
    """The ZIP of the person's data: donnees.json, LISEZMOI.txt and the documents."""

    def get(self, request):
        archive = tempfile.SpooledTemporaryFile(max_size=EXPORT_MEMORY_LIMIT)  # noqa: SIM115 -- FileResponse closes it
        data = services.account_export_zip(user=request.user, fileobj=archive)
        archive.seek(0)
        audit_record(
            action=AuditAction.DATA_EXPORT,
            request=request,
            object_type="user",
            object_id=request.user.pk,
            extra={"applications": len(data["applications"])},
        )
        stamp = timezone.localdate().isoformat()
        response = FileResponse(
            archive,
            as_attachment=True,
            filename=f"mes-donnees-label-euralens-{stamp}.zip",
            content_type="application/zip",
        )
        response["Cache-Control"] = "private, no-store"
        return response


class AccountDeleteView(LoginRequiredMixin, FormView):
    """Confirmation page of the deletion (what goes, what stays), then the deletion."""

    template_name = "privacy/account_delete.html"
    form_class = AccountDeleteForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            plan=services.account_deletion_plan(user),
            refusal=services.account_deletion_refusal(user),
            retention=retention_periods(),
            **kwargs,
        )

    def form_valid(self, form):
        request = self.request
        if services.account_deletion_refusal(request.user):
            return self.form_invalid(form)
        plan = services.account_delete(user=request.user, request=request)
        logout(request)
        if plan["delete_account"]:
            text = _("Votre compte et vos données ont été supprimés.")
        else:
            text = _(
                "Votre compte a été supprimé. Les dossiers déposés sont conservés par le Pôle "
                "métropolitain sans vos coordonnées, pour la durée indiquée sur la page "
                "« Données personnelles »."
            )
        messages.success(request, text)
        return redirect("label:home")
