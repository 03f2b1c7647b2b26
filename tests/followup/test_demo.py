"""The demo data includes one labelled project in follow-up."""

from io import StringIO

import pytest
from django.core.management import call_command

from followup.enums import ConventionStatus, ReportStatus
from followup.models import Convention, IndicatorValue, ProgressReport

pytestmark = pytest.mark.django_db


def test_seed_demo_has_an_accepted_convention_and_a_sent_report_once():
    call_command("seed_demo", "--force", stdout=StringIO())
    call_command("seed_demo", "--force", stdout=StringIO())

    convention = Convention.objects.get()
    assert convention.status == ConventionStatus.ACCEPTED
    assert len(convention.sha256) == 64
    report = ProgressReport.objects.get()
    assert report.application_id == convention.application_id
    assert report.status == ReportStatus.SENT
    assert sorted(IndicatorValue.objects.values_list("value", flat=True)) == [24, 37]
