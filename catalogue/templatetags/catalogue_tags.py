"""Template tags of the public catalogue, for pages whose views belong to other features."""

from django import template

from catalogue.selectors import catalogue_entry_list_latest

register = template.Library()
HOME_LATEST_COUNT = 3


@register.simple_tag
def catalogue_latest_projects(limit=HOME_LATEST_COUNT):
    """The projects most recently added to the catalogue (the home page shows them)."""
    return catalogue_entry_list_latest(limit=limit)
