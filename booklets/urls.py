"""URLs of the « Cahier du label ».

config/urls.py includes these before the catalogue's: « projets/cahiers/ » would otherwise
be read as the page of a project whose slug is « cahiers ».
"""

from django.urls import path

from booklets import views

app_name = "booklets"

urlpatterns = [
    path("projets/cahiers/", views.booklet_public_list, name="list"),
    path(
        "projets/cahiers/cahier-du-label-vague-<int:number>.pdf",
        views.booklet_public_download,
        name="download",
    ),
    # Staff, beside the wave's other pages
    path("instruction/vagues/<int:number>/cahier/", views.BookletStaffView.as_view(), name="staff"),
    path(
        "instruction/vagues/<int:number>/cahier/generer/",
        views.BookletGenerateView.as_view(),
        name="generate",
    ),
    path(
        "instruction/vagues/<int:number>/cahier/<int:version>/etat/",
        views.BookletStatusView.as_view(),
        name="status",
    ),
    path(
        "instruction/vagues/<int:number>/cahier/<int:version>/telecharger/",
        views.BookletStaffDownloadView.as_view(),
        name="staff_download",
    ),
    path(
        "instruction/vagues/<int:number>/cahier/<int:version>/publier/",
        views.BookletPublishView.as_view(),
        name="publish",
    ),
    path(
        "instruction/vagues/<int:number>/cahier/<int:version>/retirer/",
        views.BookletWithdrawView.as_view(),
        name="withdraw",
    ),
]
