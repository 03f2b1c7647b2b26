from django.contrib import admin
from django.urls import include, path

from catalogue.api import api

urlpatterns = [
    path("", include("label.urls")),
    path("", include("accounts.urls")),
    path("comptes/cles-d-acces/", include("accounts.passkey_urls")),
    path("", include("callforms.urls")),
    path("", include("applications.urls")),
    path("", include("reviews.urls")),
    path("", include("certificates.urls")),
    # Before the catalogue's: its "projets/<slug>/" would take "projets/cahiers/".
    path("", include("booklets.urls")),
    path("", include("catalogue.urls")),
    path("", include("privacy.urls")),
    path("", include("followup.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("gestion/", admin.site.urls),
    path("api/", api.urls),
]

handler403 = "label.views.pages.permission_denied"
handler404 = "label.views.pages.page_not_found"
handler500 = "label.views.pages.server_error"
