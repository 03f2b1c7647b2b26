"""The instruction team's view of the follow-up: one row per project, alerts, indicators."""

import datetime
from collections import defaultdict

from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application
from followup.enums import OPEN_REQUEST_STATES, SIGNED_CONVENTION_STATES, ReportStatus
from followup.models import IndicatorValue, ProgressReport, ReportSchedule
from followup.reports import first_report_year, today
from followup.selectors import FOLLOWED_STATES
from label.dates import PARIS
from label.enums import Theme

# A convention still not accepted this long after the announcement is flagged to staff.
CONVENTION_ALERT_DAYS = 60


def _schedule_of(wave):
    try:
        return wave.report_schedule
    except ReportSchedule.DoesNotExist:
        return ReportSchedule(wave=wave)


def followup_list_for_staff(*, wave=None, agglomeration=None, theme=None):
    """Every followed project with what the list shows, in a fixed number of queries."""
    queryset = (
        Application.objects.filter(state__in=FOLLOWED_STATES)
        .select_related("wave__report_schedule", "convention")
        .prefetch_related(
            Prefetch(
                "progress_reports",
                queryset=ProgressReport.objects.order_by("-year"),
                to_attr="report_list",
            )
        )
        .annotate(
            open_requests=Count(
                "support_requests",
                filter=Q(support_requests__status__in=list(OPEN_REQUEST_STATES)),
                distinct=True,
            )
        )
        .order_by("-wave__number", "title", "pk")
    )
    if wave:
        queryset = queryset.filter(wave__number=wave)
    if agglomeration:
        queryset = queryset.filter(communes__epci=agglomeration).distinct()
    if theme:
        queryset = queryset.filter(themes_index__contains=f"|{theme}|")
    return queryset


def followup_rows(applications, *, on=None):
    """The list's rows: convention status, open requests, last report, next due, alerts."""
    on = on or today()
    rows = []
    for application in applications:
        try:
            convention = application.convention
        except Application.convention.RelatedObjectDoesNotExist:
            convention = None
        sent = [r for r in application.report_list if r.status == ReportStatus.SENT]
        sent_years = {report.year for report in sent}
        schedule = _schedule_of(application.wave)
        year = first_report_year(application)
        while year in sent_years:
            year += 1
        day = min(schedule.due_day, 28) if schedule.due_month == 2 else schedule.due_day
        due = datetime.date(year, schedule.due_month, day)
        alerts = []
        labelled = application.state == "labelled"
        if labelled and due < on:
            alerts.append(_("Rapport en retard"))
        signed = convention is not None and convention.status in SIGNED_CONVENTION_STATES
        announced = application.announced_at
        if (
            labelled
            and not signed
            and announced
            and timezone.localdate(announced, PARIS)
            + datetime.timedelta(days=CONVENTION_ALERT_DAYS)
            < on
        ):
            alerts.append(_("Convention non acceptée après 60 jours"))
        rows.append(
            {
                "application": application,
                "convention": convention,
                "open_requests": application.open_requests,
                "last_report": sent[0] if sent else None,
                "next_due": due if labelled else None,
                "next_year": year,
                "alerts": alerts,
            }
        )
    return rows


def indicator_totals(*, wave=None):
    """Sent reports' indicator values summed by theme, year and indicator (name and unit).

    Returns {theme code: [(year, indicator label, total), ...]} sorted by year and label.
    A project with several themes counts under each, as the catalogue does.
    """
    values = IndicatorValue.objects.filter(report__status=ReportStatus.SENT).select_related(
        "indicator", "report__application"
    )
    if wave:
        values = values.filter(report__application__wave__number=wave)
    totals = defaultdict(lambda: defaultdict(int))
    for value in values:
        label = f"{value.indicator.name.strip().capitalize()} ({value.indicator.unit.strip()})"
        for theme in value.report.application.themes or []:
            if theme in Theme.values:
                totals[theme][(value.report.year, label)] += value.value
    return {
        theme: sorted(((year, label, total) for (year, label), total in by_key.items()))
        for theme, by_key in sorted(totals.items())
    }
