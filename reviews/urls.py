from django.urls import path

from reviews.assignment import views as assignment
from reviews.jury import composition_views as composition
from reviews.jury import session_views as session
from reviews.jury import views as jury
from reviews.ranking import views as ranking
from reviews.scoring import views as scoring

app_name = "reviews"

urlpatterns = [
    # Reviewer area
    path("evaluations/", scoring.ReviewerHomeView.as_view(), name="reviewer_home"),
    path("evaluations/profil/", assignment.ReviewerProfileView.as_view(), name="reviewer_profile"),
    path("evaluations/<int:pk>/", scoring.ReviewView.as_view(), name="review"),
    path(
        "evaluations/<int:pk>/engagement/",
        assignment.EngagementView.as_view(),
        name="engagement",
    ),
    path("evaluations/<int:pk>/accepter/", assignment.AcceptView.as_view(), name="accept"),
    path("evaluations/<int:pk>/conflit/", assignment.ConflictView.as_view(), name="conflict"),
    path(
        "evaluations/<int:pk>/pieces/<int:attachment_pk>/",
        scoring.AttachmentDownloadView.as_view(),
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
    # The jury in session (issue 16)
    path(
        "jury/vagues/<int:wave_pk>/seances/ouvrir/",
        session.SessionOpenView.as_view(),
        name="jury_session_open",
    ),
    path("jury/seances/<int:pk>/", session.SessionLiveView.as_view(), name="jury_session_live"),
    path(
        "jury/seances/<int:pk>/ecran/",
        session.SessionScreenView.as_view(),
        name="jury_session_screen",
    ),
    path(
        "jury/seances/<int:pk>/proces-verbal/",
        session.SessionMinutesView.as_view(),
        name="jury_session_minutes",
    ),
    path(
        "jury/seances/<int:pk>/<slug:action>/",
        session.SessionActionView.as_view(),
        name="jury_session_action",
    ),
    path(
        "jury/seances/<int:pk>/points/<int:item_pk>/<slug:action>/",
        session.SessionActionView.as_view(),
        name="jury_session_item_action",
    ),
    path(
        "jury/avis/<int:panel_pk>/",
        session.AdvisoryPanelView.as_view(),
        name="advisory_panel",
    ),
    path("jury/dossiers/<int:pk>/", jury.JuryFileView.as_view(), name="jury_file"),
    path("jury/dossiers/<int:pk>/decision/", jury.JuryDecisionView.as_view(), name="jury_decision"),
    path("jury/dossiers/<int:pk>/recusation/", jury.JuryRecuseView.as_view(), name="jury_recuse"),
    # Instruction area: the review process of a wave
    path(
        "instruction/vagues/<int:wave_pk>/grille/",
        scoring.CriteriaGridView.as_view(),
        name="criteria_grid",
    ),
    path(
        "instruction/vagues/<int:wave_pk>/comites/",
        assignment.CommitteeListView.as_view(),
        name="committees",
    ),
    path(
        "instruction/vagues/<int:wave_pk>/comites/<int:pk>/",
        assignment.CommitteeUpdateView.as_view(),
        name="committee_update",
    ),
    path(
        "instruction/vagues/<int:wave_pk>/attributions/",
        assignment.AssignmentBoardView.as_view(),
        name="assignments",
    ),
    path(
        "instruction/vagues/<int:wave_pk>/attributions/manuelle/",
        assignment.AssignmentManualView.as_view(),
        name="assignment_create",
    ),
    path(
        "instruction/vagues/<int:wave_pk>/attributions/automatique/",
        assignment.AssignmentAutoView.as_view(),
        name="assignment_auto",
    ),
    path(
        "instruction/vagues/<int:wave_pk>/classement/",
        ranking.RankingView.as_view(),
        name="ranking",
    ),
    path(
        "instruction/evaluations/<int:pk>/",
        scoring.StaffReviewDetailView.as_view(),
        name="staff_review",
    ),
    path(
        "instruction/evaluations/<int:pk>/rouvrir/",
        scoring.ReviewReopenView.as_view(),
        name="review_reopen",
    ),
    path(
        "instruction/candidatures/<int:pk>/transmettre-au-jury/",
        jury.SendToJuryView.as_view(),
        name="send_to_jury",
    ),
    path(
        "instruction/vagues/<int:wave_pk>/jury/",
        composition.JuryCompositionView.as_view(),
        name="jury_composition",
    ),
    # Instruction area: the results of the jury
    path(
        "instruction/vagues/<int:wave_pk>/annonce/",
        jury.AnnounceView.as_view(),
        name="announce",
    ),
    path(
        "instruction/candidatures/<int:pk>/retirer-label/",
        jury.RevokeView.as_view(),
        name="revoke_label",
    ),
]
