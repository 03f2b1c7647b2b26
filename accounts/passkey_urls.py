"""django-otp-webauthn's API under its own namespace (its scripts reverse ``otp_webauthn:``),
with the portal's views where the session contract must be kept."""

from django.urls import path
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
)

from accounts.views.passkeys import (
    PasskeyAuthenticationCompleteView,
    PasskeyRegistrationCompleteView,
)

app_name = "otp_webauthn"

urlpatterns = [
    path(
        "enregistrement/debut/",
        BeginCredentialRegistrationView.as_view(),
        name="credential-registration-begin",
    ),
    path(
        "enregistrement/fin/",
        PasskeyRegistrationCompleteView.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "verification/debut/",
        BeginCredentialAuthenticationView.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "verification/fin/",
        PasskeyAuthenticationCompleteView.as_view(),
        name="credential-authentication-complete",
    ),
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
        name="js-i18n-catalog",
    ),
]
