"""The answers of the wave's form move into one JSON column (issue 12).

`Application.answers` holds `{question_key: value}` for every non-builtin question of the
wave's form (callforms). This migration adds the column and moves the answers that were model
fields into it — the keys are the old field names, which are the keys of the default form —
with the financing plan as the `financing_lines` table answer. The reverse moves them back, so
0004 can be reached again with every answer in place. The old columns and the FinancingLine
table are dropped by the next migration, once the data is safe here.
"""

from decimal import Decimal

from django.db import migrations, models

# The text answers that were columns of Application, in the order of the old editor.
TEXT_FIELDS = (
    "description",
    "stage",
    "contribution_transition",
    "contribution_feasibility",
    "contribution_diffusion",
    "contribution_innovation",
    "partners",
    "milestones",
    "diffusion_strategy",
    "expected_support",
)
FINANCING_KEY = "financing_lines"


def _amount(value):
    # The contract's format for amounts: a Decimal written as a string with two places.
    return str(Decimal(value).quantize(Decimal("0.01")))


def fields_to_answers(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    FinancingLine = apps.get_model("applications", "FinancingLine")
    lines_by_application = {}
    for line in FinancingLine.objects.order_by("application_id", "position", "pk"):
        lines_by_application.setdefault(line.application_id, []).append(
            {"source": line.source, "amount": _amount(line.amount), "secured": line.secured}
        )
    for application in Application.objects.only("pk", *TEXT_FIELDS).iterator(chunk_size=500):
        answers = {
            name: getattr(application, name)
            for name in TEXT_FIELDS
            if (getattr(application, name) or "").strip()
        }
        if application.pk in lines_by_application:
            answers[FINANCING_KEY] = lines_by_application[application.pk]
        if answers:
            Application.objects.filter(pk=application.pk).update(answers=answers)


def answers_to_fields(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    FinancingLine = apps.get_model("applications", "FinancingLine")
    FinancingLine.objects.all().delete()
    lines = []
    for application in Application.objects.only("pk", "answers").iterator(chunk_size=500):
        answers = application.answers or {}
        values = {name: str(answers.get(name) or "") for name in TEXT_FIELDS}
        Application.objects.filter(pk=application.pk).update(**values)
        for position, row in enumerate(answers.get(FINANCING_KEY) or []):
            lines.append(
                FinancingLine(
                    application_id=application.pk,
                    source=str(row.get("source") or "")[:200],
                    amount=Decimal(str(row.get("amount") or "0")),
                    secured=bool(row.get("secured")),
                    position=position,
                )
            )
    FinancingLine.objects.bulk_create(lines, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0004_search_text_one_normalisation"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="answers",
            field=models.JSONField(blank=True, default=dict, verbose_name="réponses"),
        ),
        migrations.AlterField(
            model_name="attachment",
            name="kind",
            field=models.CharField(max_length=50, verbose_name="type de pièce"),
        ),
        migrations.RunPython(fields_to_answers, answers_to_fields),
    ]
