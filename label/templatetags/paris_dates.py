"""Template filters that state dates in Paris time (see label/dates.py)."""

from django import template

from label import dates

register = template.Library()


@register.filter
def paris_datetime(moment):
    """{{ wave.closes_at|paris_datetime }} → « 31 mai 2026 à 23:59 »."""
    if not moment:
        return ""
    return dates.paris_datetime_display(moment)


@register.filter
def paris_date(moment):
    """{{ application.changes_deadline|paris_date }} → « 15 juin 2026 »."""
    if not moment:
        return ""
    return dates.paris_date_display(moment)


@register.filter
def time_left(moment):
    """{{ wave.closes_at|time_left }} → « Il reste 23 jours » ("" once past)."""
    if not moment:
        return ""
    return dates.time_left_display(moment)
