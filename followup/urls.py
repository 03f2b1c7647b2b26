from django.urls import path

from followup import views

app_name = "followup"

urlpatterns = [
    # The holder's area
    path("mon-espace/suivi/<int:pk>/", views.HolderFollowupView.as_view(), name="holder"),
    path(
        "mon-espace/suivi/<int:pk>/convention.pdf",
        views.ConventionPdfView.as_view(),
        name="convention_pdf",
    ),
    path(
        "mon-espace/suivi/<int:pk>/convention/accompagnement/",
        views.SupportChoiceView.as_view(),
        name="support_choice",
    ),
    path(
        "mon-espace/suivi/<int:pk>/convention/accepter/",
        views.ConventionAcceptView.as_view(),
        name="convention_accept",
    ),
    path(
        "mon-espace/suivi/<int:pk>/demandes/",
        views.SupportRequestCreateView.as_view(),
        name="request_create",
    ),
    path(
        "mon-espace/suivi/demandes/<int:pk>/message/",
        views.SupportMessageView.as_view(),
        name="request_message",
    ),
    path(
        "mon-espace/suivi/<int:pk>/indicateurs/",
        views.IndicatorCreateView.as_view(),
        name="indicator_create",
    ),
    path(
        "mon-espace/suivi/<int:pk>/rapport/<int:year>/", views.ReportView.as_view(), name="report"
    ),
    path(
        "mon-espace/suivi/<int:pk>/rapport/<int:year>/photos/",
        views.ReportPhotoCreateView.as_view(),
        name="report_photo",
    ),
    path(
        "mon-espace/suivi/photos/<int:photo_pk>/",
        views.ReportPhotoFileView.as_view(),
        name="photo_file",
    ),
    path(
        "mon-espace/suivi/<int:pk>/actualites/", views.NewsCreateView.as_view(), name="news_create"
    ),
    path("projets/actualites/<int:news_pk>/photo.jpg", views.news_photo, name="news_photo"),
    # The instruction team
    path("instruction/suivi/", views.StaffListView.as_view(), name="staff_list"),
    path("instruction/suivi/export.csv", views.StaffExportView.as_view(), name="staff_export"),
    path(
        "instruction/suivi/projets/<int:pk>/",
        views.StaffDetailView.as_view(),
        name="staff_detail",
    ),
    path(
        "instruction/suivi/projets/<int:pk>/contresigner/",
        views.CountersignView.as_view(),
        name="countersign",
    ),
    path(
        "instruction/suivi/projets/<int:pk>/convention.pdf",
        views.ConventionPdfView.as_view(object_permission="followup.manage_followup"),
        name="staff_convention_pdf",
    ),
    path(
        "instruction/suivi/demandes/<int:pk>/",
        views.SupportRequestUpdateView.as_view(),
        name="request_update",
    ),
    path(
        "instruction/suivi/demandes/<int:pk>/message/",
        views.SupportMessageView.as_view(staff=True),
        name="staff_request_message",
    ),
    path(
        "instruction/suivi/actualites/<int:news_pk>/",
        views.NewsDecideView.as_view(),
        name="news_decide",
    ),
    path(
        "instruction/suivi/vagues/<int:wave_pk>/convention/",
        views.ConventionModelView.as_view(),
        name="convention_model",
    ),
]
