"""The answers now live in `Application.answers` (0005): the old columns and the FinancingLine
table go. Reversing re-creates them empty; 0005's reverse then fills them from the answers."""

from django.db import migrations

MOVED_FIELDS = (
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


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0005_application_answers"),
    ]

    operations = [
        *(
            migrations.RemoveField(model_name="application", name=name)
            for name in MOVED_FIELDS
        ),
        migrations.DeleteModel(name="FinancingLine"),
    ]
