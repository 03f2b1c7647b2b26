from django.urls import path

from certificates.views import staff, verification

app_name = "certificates"

urlpatterns = [
    # Public verification (QR code), downloads, staff history and re-issue
    path("verifier/<slug:token>/", verification.certificate_verify, name="verify"),
    path(
        "certificats/<int:pk>/telecharger/",
        staff.CertificateDownloadView.as_view(),
        name="download",
    ),
    path(
        "instruction/vagues/<int:wave_pk>/certificats.zip",
        staff.WaveCertificatesArchiveView.as_view(),
        name="wave_zip",
    ),
    path(
        "instruction/certificats/<int:application_pk>/",
        staff.CertificateHistoryView.as_view(),
        name="history",
    ),
    path(
        "instruction/certificats/<int:application_pk>/reemettre/",
        staff.CertificateReissueView.as_view(),
        name="reissue",
    ),
]
