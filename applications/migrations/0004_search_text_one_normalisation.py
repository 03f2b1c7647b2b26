"""The staff search now shares the catalogue's normalisation (label.text.search_normalise):
apostrophes and dashes become spaces. The stored search text of every file is computed
again so that it matches the queries, which are normalised the new way."""

from django.db import migrations

from label.text import search_normalise

SEARCHED_FIELDS = ("reference", "title", "holder_name")


def recompute_search_text(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    changed = []
    for application in Application.objects.only("pk", *SEARCHED_FIELDS).iterator(chunk_size=500):
        # As Application.save() writes it: one normalised line per searched field.
        application.search_text = "\n".join(
            search_normalise(getattr(application, name)) for name in SEARCHED_FIELDS
        )
        changed.append(application)
    Application.objects.bulk_update(changed, ["search_text"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0003_expression_of_interest_and_draft_reminders"),
    ]

    operations = [
        migrations.RunPython(recompute_search_text, migrations.RunPython.noop, elidable=True),
    ]
