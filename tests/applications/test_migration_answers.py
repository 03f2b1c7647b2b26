"""The answers that were model fields move into `Application.answers`, and back (issue 12).

Rows are written at 0004 (old columns, FinancingLine rows) for a draft, a filed file and a
carried-over draft; the migrations run forward to the latest state, where each answer is read
from the JSON under its question key (the financing plan as the `financing_lines` table); then
back to 0004, where every column and line is as it was. Runs on the suite's database: SQLite
in the first CI leg, PostgreSQL in the second.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from applications.enums import ApplicationState
from applications.models import Application
from tests.factories import ApplicationFactory

BEFORE_ANSWERS = [("applications", "0004_search_text_one_normalisation")]
TEXTS = {
    "description": "Des jardins sur trois friches.",
    "stage": "in_progress",
    "contribution_transition": "Biodiversité.",
    "contribution_feasibility": "Terrain prêté.",
    "contribution_diffusion": "Visites ouvertes.",
    "contribution_innovation": "Gouvernance partagée.",
    "partners": "Commune de Lens.",
    "milestones": "Printemps : chantier.",
    "diffusion_strategy": "Presse locale.",
    "expected_support": "Mise en réseau.",
}


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def _three_files():
    draft = ApplicationFactory()
    filed = ApplicationFactory()
    Application.objects.filter(pk=filed.pk).update(
        state=ApplicationState.SUBMITTED, reference="L11-2026-001", reference_number=1
    )
    original = ApplicationFactory()
    Application.objects.filter(pk=original.pk).update(state=ApplicationState.DEFERRED)
    carried = ApplicationFactory(carried_over_from=original)
    return draft, filed, carried


def _fill_old_columns(old_apps, draft, filed, carried):
    """At 0004: the draft half answered, the others fully, with financing lines."""
    OldApplication = old_apps.get_model("applications", "Application")
    OldLine = old_apps.get_model("applications", "FinancingLine")
    OldApplication.objects.filter(pk=draft.pk).update(description="Une idée.", stage="definition")
    for application in (filed, carried):
        OldApplication.objects.filter(pk=application.pk).update(**TEXTS)
        OldLine.objects.create(
            application_id=application.pk, source="Région", amount=Decimal("12000"), position=0
        )
        OldLine.objects.create(
            application_id=application.pk,
            source="Fonds propres",
            amount=Decimal("8000.5"),
            secured=True,
            position=1,
        )


@pytest.mark.django_db(transaction=True)
def test_answers_move_into_json_and_back():
    draft, filed, carried = _three_files()
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old_apps = _migrate(BEFORE_ANSWERS)
        _fill_old_columns(old_apps, draft, filed, carried)
    finally:
        _migrate(leaves)

    plan = [
        {"source": "Région", "amount": "12000.00", "secured": False},
        {"source": "Fonds propres", "amount": "8000.50", "secured": True},
    ]
    assert Application.objects.get(pk=draft.pk).answers == {
        "description": "Une idée.",
        "stage": "definition",
    }
    for application in (filed, carried):
        answers = Application.objects.get(pk=application.pk).answers
        assert answers == {**TEXTS, "financing_lines": plan}
    assert Application.objects.get(pk=carried.pk).carried_over_from_id is not None

    try:
        old_apps = _migrate(BEFORE_ANSWERS)
        OldApplication = old_apps.get_model("applications", "Application")
        OldLine = old_apps.get_model("applications", "FinancingLine")
        old_draft = OldApplication.objects.get(pk=draft.pk)
        assert (old_draft.description, old_draft.stage, old_draft.partners) == (
            "Une idée.",
            "definition",
            "",
        )
        assert not OldLine.objects.filter(application_id=draft.pk).exists()
        for application in (filed, carried):
            old = OldApplication.objects.get(pk=application.pk)
            assert {name: getattr(old, name) for name in TEXTS} == TEXTS
            lines = OldLine.objects.filter(application_id=application.pk).order_by("position")
            assert [(line.source, line.amount, line.secured) for line in lines] == [
                ("Région", Decimal("12000.00"), False),
                ("Fonds propres", Decimal("8000.50"), True),
            ]
    finally:
        _migrate(leaves)
