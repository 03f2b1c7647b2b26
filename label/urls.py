from django.urls import path

from label.views import health, language, pages
from label.views.waves import (
    WaveCreateView,
    WaveEligibilityChecklistView,
    WaveListView,
    WaveMailTextsView,
    WaveUpdateView,
)

app_name = "label"

urlpatterns = [
    path("", pages.HomeView.as_view(), name="home"),
    path("accessibilite/", pages.AccessibilityView.as_view(), name="accessibility"),
    path("mentions-legales/", pages.LegalNoticeView.as_view(), name="legal_notice"),
    path("sante/", health.health, name="health"),
    path("langue/<str:code>/", language.language_choose, name="language"),
    # The waves, for the instruction team
    path("instruction/vagues/", WaveListView.as_view(), name="wave_list"),
    path("instruction/vagues/nouvelle/", WaveCreateView.as_view(), name="wave_create"),
    path("instruction/vagues/<int:pk>/modifier/", WaveUpdateView.as_view(), name="wave_update"),
    path(
        "instruction/vagues/<int:pk>/courriers/",
        WaveMailTextsView.as_view(),
        name="wave_mail_texts",
    ),
    path(
        "instruction/vagues/<int:pk>/recevabilite/",
        WaveEligibilityChecklistView.as_view(),
        name="wave_eligibility",
    ),
]
