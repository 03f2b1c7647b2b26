"""Atom feed of the projects newly entered in the public catalogue."""

from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from catalogue.selectors import catalogue_entry_list_new

FEED_SIZE = 20


class LatestProjectsFeed(Feed):
    feed_type = Atom1Feed
    title = _("Label Euralens : nouveaux projets labellisés")
    subtitle = _(
        "Les projets qui entrent au catalogue du Label Euralens, décerné par le Pôle "
        "Métropolitain de l'Artois."
    )
    link = reverse_lazy("catalogue:list")
    author_name = "Pôle Métropolitain de l'Artois"

    def feed_url(self):
        return reverse("catalogue:feed")

    def items(self):
        return catalogue_entry_list_new(limit=FEED_SIZE)

    def item_title(self, item):
        return item.name

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [str(theme.label) for theme in item.themes]

    def item_author_name(self, item):
        return item.holder or None
