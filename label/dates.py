"""Dates as the portal states them: in Paris time, whatever the server's clock zone.

The call's deadline is a legal date of the Pôle Métropolitain: it is always said in the
Europe/Paris wall clock, with the words an applicant reads (« 31 mai 2026 à 23:59 »).
"""

from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

PARIS = ZoneInfo("Europe/Paris")


def paris_datetime_display(moment):
    """« 31 mai 2026 à 23:59 »: an aware date-time in Paris time, in words."""
    local = timezone.localtime(moment, PARIS)
    return _("%(date)s à %(time)s") % {
        "date": date_format(local, "j F Y"),
        "time": date_format(local, "H:i"),
    }


def paris_date_display(moment):
    """« 31 mai 2026 »: the Paris calendar day of an aware date-time (or a date)."""
    if hasattr(moment, "tzinfo"):
        moment = timezone.localtime(moment, PARIS)
    return date_format(moment, "j F Y")


def time_left_display(until, now=None):
    """« Il reste 23 jours », « Il reste 5 heures »… until a moment; "" once it is past."""
    now = now or timezone.now()
    left = until - now
    if left.total_seconds() <= 0:
        return ""
    if left.days >= 1:
        return ngettext("Il reste %(count)d jour", "Il reste %(count)d jours", left.days) % {
            "count": left.days
        }
    hours = int(left.total_seconds() // 3600)
    if hours >= 1:
        return ngettext("Il reste %(count)d heure", "Il reste %(count)d heures", hours) % {
            "count": hours
        }
    return _("Il reste moins d'une heure")
