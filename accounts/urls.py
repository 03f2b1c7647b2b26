from django.contrib.auth import views as auth_views
from django.urls import path

from accounts.views import account, otp, passkeys, unlock

app_name = "accounts"

urlpatterns = [
    path("comptes/inscription/", account.SignUpView.as_view(), name="signup"),
    path("comptes/inscription/envoyee/", account.SignUpDoneView.as_view(), name="signup_done"),
    path(
        "comptes/confirmer/<uidb64>/<token>/",
        account.SignUpConfirmView.as_view(),
        name="signup_confirm",
    ),
    path(
        "comptes/confirmation/renvoyer/",
        account.SignUpResendView.as_view(),
        name="signup_resend",
    ),
    path("comptes/connexion/", account.LoginView.as_view(), name="login"),
    path("comptes/debloquer/", unlock.UnlockRequestView.as_view(), name="unlock_request"),
    path("comptes/debloquer/<str:token>/", unlock.UnlockView.as_view(), name="unlock"),
    path("comptes/deconnexion/", account.LogoutView.as_view(), name="logout"),
    path("comptes/profil/", account.ProfileView.as_view(), name="profile"),
    path("comptes/mot-de-passe/", account.PasswordChangeView.as_view(), name="password_change"),
    path("comptes/reinitialiser/", account.PasswordResetView.as_view(), name="password_reset"),
    path(
        "comptes/reinitialiser/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "comptes/reinitialiser/<uidb64>/<token>/",
        account.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "comptes/reinitialiser/termine/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # The second factor
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
        "comptes/double-authentification/codes-de-secours.txt",
        otp.OTPRecoveryCodesDownloadView.as_view(),
        name="otp_recovery_codes_download",
    ),
    path(
        "comptes/double-authentification/codes-de-secours/nouveaux/",
        otp.OTPRecoveryCodesNewView.as_view(),
        name="otp_recovery_codes_new",
    ),
    path(
        "comptes/double-authentification/desactiver/",
        otp.OTPDisableView.as_view(),
        name="otp_disable",
    ),
    path(
        "comptes/double-authentification/cles/<int:pk>/supprimer/",
        passkeys.PasskeyDeleteView.as_view(),
        name="passkey_delete",
    ),
    path(
        "comptes/double-authentification/cles/<int:pk>/renommer/",
        passkeys.PasskeyRenameView.as_view(),
        name="passkey_rename",
    ),
]
