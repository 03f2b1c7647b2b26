from django.urls import path

from applications.views import applicant, call, dossier, dossier_pdf, exports, instruction

app_name = "applications"

urlpatterns = [
    # The call for applications
    path("candidater/", call.CallView.as_view(), name="call"),
    # Applicant area
    path("mon-espace/", applicant.ApplicantHomeView.as_view(), name="applicant_home"),
    path(
        "mon-espace/candidatures/<int:pk>/",
        applicant.ApplicationDetailView.as_view(),
        name="detail",
    ),
    path(
        "mon-espace/candidatures/<int:pk>/deposer/",
        applicant.ApplicationSubmitView.as_view(),
        name="submit",
    ),
    path(
        "mon-espace/candidatures/<int:pk>/completer/",
        applicant.ApplicationResubmitView.as_view(),
        name="resubmit",
    ),
    path(
        "mon-espace/candidatures/<int:pk>/retirer/",
        applicant.ApplicationWithdrawView.as_view(),
        name="withdraw",
    ),
    path(
        "mon-espace/candidatures/<int:pk>/reprendre/",
        applicant.ApplicationCarryOverView.as_view(),
        name="carry_over",
    ),
    path(
        "mon-espace/candidatures/<int:pk>/recepisse.pdf",
        applicant.ApplicationReceiptView.as_view(),
        name="receipt",
    ),
    path(
        "mon-espace/candidatures/<int:pk>/dossier.pdf",
        dossier_pdf.ApplicationDossierPdfView.as_view(),
        name="dossier_pdf",
    ),
    # Applicant area: the dossier d'intention editor and its documents
    path(
        "mon-espace/candidatures/nouvelle/",
        dossier.ApplicationStartView.as_view(),
        name="start",
    ),
    path(
        "mon-espace/candidatures/<int:pk>/dossier/",
        dossier.DossierSummaryView.as_view(),
        name="dossier_summary",
    ),
    path(
        "mon-espace/candidatures/<int:pk>/dossier/<slug:section>/",
        dossier.DossierSectionView.as_view(),
        name="dossier",
    ),
    path(
        "mon-espace/candidatures/<int:pk>/dossier/<slug:section>/brouillon/",
        dossier.DossierAutosaveView.as_view(),
        name="dossier_autosave",
    ),
    path(
        "mon-espace/candidatures/<int:pk>/pieces/<int:attachment_pk>/",
        dossier.AttachmentDownloadView.as_view(),
        name="attachment_download",
    ),
    path(
        "mon-espace/candidatures/<int:pk>/pieces/<int:attachment_pk>/supprimer/",
        dossier.AttachmentDeleteView.as_view(),
        name="attachment_delete",
    ),
    # Instruction area
    path("instruction/", instruction.InstructionHomeView.as_view(), name="instruction_home"),
    path(
        "instruction/export/",
        exports.InstructionExportView.as_view(),
        name="instruction_export",
    ),
    # An export's page and JSON state show no data (names without "export": not audited
    # reads); its file is handed over by instruction_export_download, audited as an export.
    path("instruction/export/<int:pk>/", exports.ExportJobView.as_view(), name="instruction_job"),
    path(
        "instruction/export/<int:pk>/etat/",
        exports.ExportJobStateView.as_view(),
        name="instruction_job_state",
    ),
    path(
        "instruction/export/<int:pk>/relancer/",
        exports.ExportJobRetryView.as_view(),
        name="instruction_job_retry",
    ),
    path(
        "instruction/export/<int:pk>/telecharger/",
        exports.ExportJobDownloadView.as_view(),
        name="instruction_export_download",
    ),
    path(
        "instruction/actions/",
        instruction.InstructionBulkView.as_view(),
        name="instruction_bulk",
    ),
    path(
        "instruction/candidatures/<int:pk>/",
        instruction.StaffApplicationDetailView.as_view(),
        name="instruction_detail",
    ),
    path(
        "instruction/candidatures/<int:pk>/completer/",
        instruction.RequestChangesView.as_view(),
        name="instruction_request_changes",
    ),
    path(
        "instruction/candidatures/<int:pk>/recevable/",
        instruction.DeclareEligibleView.as_view(),
        name="instruction_declare_eligible",
    ),
    path(
        "instruction/candidatures/<int:pk>/irrecevable/",
        instruction.DeclareIneligibleView.as_view(),
        name="instruction_declare_ineligible",
    ),
    path(
        "instruction/candidatures/<int:pk>/retenir/",
        instruction.SelectForReviewView.as_view(),
        name="instruction_select_for_review",
    ),
    path(
        "instruction/candidatures/<int:pk>/ne-pas-retenir/",
        instruction.NotSelectView.as_view(),
        name="instruction_not_select",
    ),
    path(
        "instruction/candidatures/<int:pk>/rouvrir/",
        instruction.ReopenView.as_view(),
        name="instruction_reopen",
    ),
    path(
        "instruction/candidatures/<int:pk>/messages/",
        instruction.StaffMessageView.as_view(),
        name="instruction_message",
    ),
    path(
        "instruction/candidatures/<int:pk>/notes/",
        instruction.StaffNoteView.as_view(),
        name="instruction_note",
    ),
]
