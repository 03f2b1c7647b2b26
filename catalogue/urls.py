from django.contrib.sitemaps.views import sitemap
from django.urls import path

from catalogue.feeds import LatestProjectsFeed
from catalogue.sitemaps import SITEMAPS
from catalogue.views import maps, opendata, photos, public, widget

app_name = "catalogue"

urlpatterns = [
    # "statistiques/" and "carte/" come before "<slug>/", which would swallow it.
    path("projets/", public.catalogue_list, name="list"),
    path("projets/statistiques/", public.catalogue_stats_page, name="stats"),
    path("projets/carte/", maps.catalogue_map, name="map"),
    path("projets/<slug:slug>/", public.catalogue_detail, name="detail"),
    path("projets/<slug:slug>/image/<str:variant>.jpg", public.catalogue_image, name="image"),
    path(
        "projets/<slug:slug>/image/<str:variant>.webp",
        public.catalogue_image,
        {"fmt": "webp"},
        name="image_webp",
    ),
    path("mon-espace/projets/<slug:slug>/photo/", photos.photo_propose_page, name="photo_propose"),
    path("mon-espace/projets/photos/<int:pk>.jpg", photos.photo_file, name="photo_file"),
    path("instruction/catalogue/photos/", photos.photo_review_list, name="photo_review_list"),
    path(
        "instruction/catalogue/photos/<int:pk>/publier/",
        photos.photo_approve_view,
        name="photo_approve",
    ),
    path(
        "instruction/catalogue/photos/<int:pk>/refuser/",
        photos.photo_reject_view,
        name="photo_reject",
    ),
    path("integrer/", widget.widget_help, name="widget_help"),
    path("integrer/projets/", widget.widget_page, name="widget"),
    path("integrer/projets.json", widget.widget_json, name="widget_json"),
    path("donnees/", opendata.opendata_page, name="opendata"),
    path("donnees/projets.csv", opendata.opendata_csv, name="opendata_csv"),
    path("donnees/projets.json", opendata.opendata_json, name="opendata_json"),
    path("flux/projets.atom", LatestProjectsFeed(), name="feed"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", opendata.robots_txt, name="robots_txt"),
]
