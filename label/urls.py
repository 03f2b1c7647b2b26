from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import sitemap
from django.urls import path

from label.feeds import LatestProjectsFeed
from label.sitemaps import SITEMAPS
from label.views import (
    accounts,
    catalogue,
    certificates,
    health,
    opendata,
    otp,
    pages,
    privacy,
    verification,
)
from label.views.call import CallView
from label.views.waves import WaveCreateView, WaveListView, WaveUpdateView

app_name = "label"

urlpatterns = [
    path("", pages.HomeView.as_view(), name="home"),
    path("accessibilite/", pages.AccessibilityView.as_view(), name="accessibility"),
    path("mentions-legales/", pages.LegalNoticeView.as_view(), name="legal_notice"),
    path("donnees-personnelles/", privacy.PrivacyNoticeView.as_view(), name="privacy"),
    path("sante/", health.health, name="health"),
    # Public catalogue; "statistiques/" comes before "<slug>/", which would swallow it.
    path("projets/", catalogue.catalogue_list, name="catalogue_list"),
    path("projets/statistiques/", catalogue.catalogue_stats_page, name="catalogue_stats"),
    path("projets/<slug:slug>/", catalogue.catalogue_detail, name="catalogue_detail"),
    path(
        "projets/<slug:slug>/image/<str:variant>.jpg",
        catalogue.catalogue_image,
        name="catalogue_image",
    ),
    path("donnees/", opendata.opendata_page, name="opendata"),
    path("donnees/projets.csv", opendata.opendata_csv, name="opendata_csv"),
    path("donnees/projets.json", opendata.opendata_json, name="opendata_json"),
    path("flux/projets.atom", LatestProjectsFeed(), name="catalogue_feed"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", opendata.robots_txt, name="robots_txt"),
    path("comptes/inscription/", accounts.SignUpView.as_view(), name="signup"),
    path("comptes/inscription/envoyee/", accounts.SignUpDoneView.as_view(), name="signup_done"),
    path(
        "comptes/confirmer/<uidb64>/<token>/",
        accounts.SignUpConfirmView.as_view(),
        name="signup_confirm",
    ),
    path(
        "comptes/confirmation/renvoyer/",
        accounts.SignUpResendView.as_view(),
        name="signup_resend",
    ),
    path("comptes/connexion/", accounts.LoginView.as_view(), name="login"),
    path("comptes/deconnexion/", accounts.LogoutView.as_view(), name="logout"),
    path("comptes/profil/", accounts.ProfileView.as_view(), name="profile"),
    path("comptes/mot-de-passe/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path(
        "comptes/reinitialiser/",
        accounts.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "comptes/reinitialiser/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "comptes/reinitialiser/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "comptes/reinitialiser/termine/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # The person's data (RGPD rights) and the second factor
    path("comptes/mes-donnees/", privacy.MyDataView.as_view(), name="privacy_my_data"),
    path(
        "comptes/mes-donnees/telecharger/",
        privacy.MyDataExportView.as_view(),
        name="privacy_export",
    ),
    path(
        "comptes/mes-donnees/supprimer/",
        privacy.AccountDeleteView.as_view(),
        name="privacy_delete",
    ),
    path("comptes/double-authentification/", otp.OTPManageView.as_view(), name="otp_manage"),
    path(
        "comptes/double-authentification/activer/",
        otp.OTPSetupView.as_view(),
        name="otp_setup",
    ),
    path(
        "comptes/double-authentification/verifier/",
        otp.OTPVerifyView.as_view(),
        name="otp_verify",
    ),
    path(
        "comptes/double-authentification/codes-de-secours/",
        otp.OTPRecoveryCodesView.as_view(),
        name="otp_recovery_codes",
    ),
    path(
        "comptes/double-authentification/desactiver/",
        otp.OTPDisableView.as_view(),
        name="otp_disable",
    ),
    # The call for applications, and the waves for the instruction team
    path("candidater/", CallView.as_view(), name="call"),
    path("instruction/vagues/", WaveListView.as_view(), name="wave_list"),
    path("instruction/vagues/nouvelle/", WaveCreateView.as_view(), name="wave_create"),
    path("instruction/vagues/<int:pk>/modifier/", WaveUpdateView.as_view(), name="wave_update"),
    # Certificates: public verification (QR code), downloads, staff history and re-issue
    path("verifier/<slug:token>/", verification.certificate_verify, name="certificate_verify"),
    path(
        "certificats/<int:pk>/telecharger/",
        certificates.CertificateDownloadView.as_view(),
        name="certificate_download",
    ),
    path(
        "instruction/vagues/<int:wave_pk>/certificats.zip",
        certificates.WaveCertificatesArchiveView.as_view(),
        name="wave_certificates_zip",
    ),
    path(
        "instruction/certificats/<int:application_pk>/",
        certificates.CertificateHistoryView.as_view(),
        name="certificate_history",
    ),
    path(
        "instruction/certificats/<int:application_pk>/reemettre/",
        certificates.CertificateReissueView.as_view(),
        name="certificate_reissue",
    ),
]
