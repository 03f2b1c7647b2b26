from django.urls import path

from applications import views

app_name = "applications"

urlpatterns = [
    path("mon-espace/", views.ApplicantHomeView.as_view(), name="applicant_home"),
    path(
        "mon-espace/candidatures/<int:pk>/",
        views.ApplicationDetailView.as_view(),
        name="detail",
    ),
    path("instruction/", views.InstructionHomeView.as_view(), name="instruction_home"),
]
