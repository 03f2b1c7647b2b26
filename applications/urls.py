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
]
