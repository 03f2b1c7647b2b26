"""sitemap.xml: the public pages and every project of the catalogue."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from catalogue.models import CatalogueEntry


class PublicPagesSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return [
            "label:home",
            "catalogue:list",
            "catalogue:stats",
            "catalogue:opendata",
            "label:accessibility",
            "label:legal_notice",
            "privacy:notice",
        ]

    def location(self, item):
        return reverse(item)


class CatalogueSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return CatalogueEntry.objects.public().only("slug", "updated_at").order_by("slug")

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {"pages": PublicPagesSitemap, "projets": CatalogueSitemap}
