"""The split of label/ into apps moves models between apps without moving a row.

From the state before the split (label 0009 and its neighbours), with rows in every table
that changes owner, the migrations run forward: the same rows are read through the models of
their new apps, the content types follow, and going back restores the old state. It runs on
the suite's database: SQLite in the first CI leg, PostgreSQL in the second.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from catalogue.models import CatalogueEntry, CatalogueEntryTheme
from certificates.models import Certificate
from privacy.models import ApplicationAnonymisation, RetentionRun, RetentionWarning
from reviews.models import Criterion, Score
from tests.factories import AssignmentFactory, UserFactory
from tests.factories.catalogue import CatalogueEntryFactory
from tests.factories.certificates import CertificateFactory
from tests.factories.reviews import grid_for, review_with_scores

BEFORE_THE_SPLIT = [
    ("label", "0009_catalogue_source_application"),
    ("applications", "0003_expression_of_interest_and_draft_reminders"),
    ("reviews", "0002_jury"),
    ("accounts", None),
    ("catalogue", None),
    ("certificates", None),
    ("privacy", None),
]
MOVED = {
    CatalogueEntry: "catalogue",
    CatalogueEntryTheme: "catalogue",
    Certificate: "certificates",
    Criterion: "reviews",
    RetentionRun: "privacy",
    RetentionWarning: "privacy",
    ApplicationAnonymisation: "privacy",
}


def _rows_in_every_moved_table():
    user = UserFactory()
    entry = CatalogueEntryFactory()
    CatalogueEntryTheme.objects.create(entry=entry, theme="nature")
    certificate = CertificateFactory()
    application = certificate.application
    grid_for(application.wave)
    run = RetentionRun.objects.create(trigger="test")
    RetentionWarning.objects.create(kind="account", user=user)
    ApplicationAnonymisation.objects.create(application=application, run=run)
    rows = {model: sorted(model.objects.values_list("pk", flat=True)) for model in MOVED}
    return rows, application


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


@pytest.mark.django_db(transaction=True)
def test_the_split_moves_models_between_apps_and_keeps_every_row():
    rows, application = _rows_in_every_moved_table()
    review = review_with_scores(AssignmentFactory(application=application), 3)
    score_ids = sorted(Score.objects.filter(review=review).values_list("pk", flat=True))
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()

    try:
        old_apps = _migrate(BEFORE_THE_SPLIT)
        for model in MOVED:
            old_model = old_apps.get_model("label", model.__name__)
            assert sorted(old_model.objects.values_list("pk", flat=True)) == rows[model]
        assert ContentType.objects.filter(app_label="label", model="certificate").exists()
        old_score = old_apps.get_model("reviews", "Score")
        assert old_score._meta.get_field("criterion").related_model._meta.app_label == "label"
    finally:
        _migrate(leaves)

    for model, app_label in MOVED.items():
        assert sorted(model.objects.values_list("pk", flat=True)) == rows[model]
        content_type = ContentType.objects.get_for_model(model)
        assert content_type.app_label == app_label
    assert not ContentType.objects.filter(app_label="label", model="certificate").exists()
    assert sorted(Score.objects.filter(review=review).values_list("pk", flat=True)) == score_ids
    assert all(score.criterion.wave_id for score in Score.objects.filter(review=review))
