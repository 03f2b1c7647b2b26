"""Reads of the label app: the waves."""

from label.models import Wave


def wave_get_current():
    """The wave whose call is open now, or None."""
    return Wave.objects.current()


def wave_get_latest():
    """The most recent wave (by number), or None."""
    return Wave.objects.order_by("-number").first()
