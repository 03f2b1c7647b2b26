from django.urls import path

from applications.views import applicant, instruction

app_name = "applications"

urlpatterns = [
    # Applicant area
    path("mon-espace/", applicant.ApplicantHomeView.as_view(), name="applicant_home"),
    path(
        "mon-espace/candidatures/<int:pk>/",
        applicant.ApplicationDetailView.as_view(),
        name="detail",
    ),
    # Instruction area
    path("instruction/", instruction.InstructionHomeView.as_view(), name="instruction_home"),
    path(
        "instruction/export/",
        instruction.InstructionExportView.as_view(),
        name="instruction_export",
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
