"""Template tags of the call for applications, for pages whose views belong to others."""

from django import template

from applications.views.call import call_summary

register = template.Library()


@register.simple_tag
def current_call():
    """The open wave and, when none is open, the next one: {"open_wave", "upcoming_wave"}."""
    return call_summary()
