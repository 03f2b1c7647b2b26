from django.urls import path

from reviews.views import instruction, jury, jury_staff, reviewer

app_name = "reviews"

urlpatterns = [
    # Reviewer area
    path("evaluations/", reviewer.ReviewerHomeView.as_view(), name="reviewer_home"),
    path("evaluations/profil/", reviewer.ReviewerProfileView.as_view(), name="reviewer_profile"),
    path("evaluations/<int:pk>/", reviewer.ReviewView.as_view(), name="review"),
    path(
        "evaluations/<int:pk>/engagement/",
        reviewer.EngagementView.as_view(),
        name="engagement",
    ),
    path("evaluations/<int:pk>/accepter/", reviewer.AcceptView.as_view(), name="accept"),
    path("evaluations/<int:pk>/conflit/", reviewer.ConflictView.as_view(), name="conflict"),
    path(
        "evaluations/<int:pk>/pieces/<int:attachment_pk>/",
        reviewer.AttachmentDownloadView.as_view(),
        name="attachment",
    ),
    # Jury area
    path("jury/", jury.JuryHomeView.as_view(), name="jury_home"),
    path("jury/profil/", jury.JuryProfileView.as_view(), name="jury_profile"),
    path("jury/vagues/<int:wave_pk>/", jury.JuryWaveView.as_view(), name="jury_wave"),
    path(
        "jury/vagues/<int:wave_pk>/seances/nouvelle/",
        jury.JurySessionView.as_view(),
        name="jury_session_create",
    ),
    path(
        "jury/vagues/<int:wave_pk>/seances/<int:pk>/",
        jury.JurySessionView.as_view(),
        name="jury_session_update",
    ),
    path(
        "jury/vagues/<int:wave_pk>/proces-verbal/",
        jury.JuryMinutesView.as_view(),
        name="jury_minutes",
    ),
    path("jury/dossiers/<int:pk>/", jury.JuryFileView.as_view(), name="jury_file"),
    path("jury/dossiers/<int:pk>/decision/", jury.JuryDecisionView.as_view(), name="jury_decision"),
    path("jury/dossiers/<int:pk>/recusation/", jury.JuryRecuseView.as_view(), name="jury_recuse"),
    # Instruction area: the review process of a wave
    path(
        "instruction/vagues/<int:wave_pk>/grille/",
        instruction.CriteriaGridView.as_view(),
        name="criteria_grid",
    ),
    path(
        "instruction/vagues/<int:wave_pk>/comites/",
        instruction.CommitteeListView.as_view(),
        name="committees",
    ),
    path(
        "instruction/vagues/<int:wave_pk>/comites/<int:pk>/",
        instruction.CommitteeUpdateView.as_view(),
        name="committee_update",
    ),
    path(
        "instruction/vagues/<int:wave_pk>/attributions/",
        instruction.AssignmentBoardView.as_view(),
        name="assignments",
    ),
    path(
        "instruction/vagues/<int:wave_pk>/attributions/manuelle/",
        instruction.AssignmentManualView.as_view(),
        name="assignment_create",
    ),
    path(
        "instruction/vagues/<int:wave_pk>/attributions/automatique/",
        instruction.AssignmentAutoView.as_view(),
        name="assignment_auto",
    ),
    path(
        "instruction/vagues/<int:wave_pk>/classement/",
        instruction.RankingView.as_view(),
        name="ranking",
    ),
    path(
        "instruction/evaluations/<int:pk>/",
        instruction.StaffReviewDetailView.as_view(),
        name="staff_review",
    ),
    path(
        "instruction/evaluations/<int:pk>/rouvrir/",
        instruction.ReviewReopenView.as_view(),
        name="review_reopen",
    ),
    path(
        "instruction/candidatures/<int:pk>/transmettre-au-jury/",
        instruction.SendToJuryView.as_view(),
        name="send_to_jury",
    ),
    # Instruction area: the results of the jury
    path(
        "instruction/vagues/<int:wave_pk>/annonce/",
        jury_staff.AnnounceView.as_view(),
        name="announce",
    ),
    path(
        "instruction/candidatures/<int:pk>/retirer-label/",
        jury_staff.RevokeView.as_view(),
        name="revoke_label",
    ),
]
