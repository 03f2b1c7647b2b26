"""The data migration gives every existing wave the default form, locked where a dossier was
already filed, and going back removes the forms (issue 12). Runs on the suite's database:
SQLite in the first CI leg, PostgreSQL in the second."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from applications.models import Application
from callforms.declaration import cache_clear
from callforms.models import CallForm, Question
from tests.factories import ApplicationFactory, WaveFactory

BEFORE_FORMS = [("callforms", "0001_initial")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_every_wave_gets_the_default_form_and_going_back_removes_it():
    quiet, filed_wave = WaveFactory(number=9), WaveFactory(number=10)
    draft = ApplicationFactory(wave=quiet)
    filed = ApplicationFactory(wave=filed_wave)
    Application.objects.filter(pk=filed.pk).update(submitted_at=timezone.now())
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old_apps = _migrate(BEFORE_FORMS)
        assert not old_apps.get_model("callforms", "CallForm").objects.exists()
    finally:
        _migrate(leaves)
    cache_clear()

    forms = {form.wave_id: form for form in CallForm.objects.all()}
    assert set(forms) == {quiet.pk, filed_wave.pk}
    assert forms[quiet.pk].locked_at is None
    assert forms[filed_wave.pk].locked_at is not None
    for form in forms.values():
        keys = list(
            Question.objects.filter(section__form=form)
            .order_by("section__position", "position")
            .values_list("key", flat=True)
        )
        assert keys[:3] == ["holder_name", "holder_type", "siret"]
        assert "financing_lines" in keys and "financing_plan" in keys
    assert Application.objects.filter(pk=draft.pk).exists()

    try:
        old_apps = _migrate(BEFORE_FORMS)
        assert not old_apps.get_model("callforms", "CallForm").objects.exists()
    finally:
        _migrate(leaves)
