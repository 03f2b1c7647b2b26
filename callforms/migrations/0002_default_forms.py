"""Every existing wave gets the default form (today's dossier, issue 12).

A wave that already holds a filed dossier gets its form locked, as filing the first dossier
does from now on. The reverse deletes the forms (the waves are as before).

The form written is a frozen copy of callforms/defaults.py as it stood when this migration
was made (2026-12-05): the six sections, their questions, kinds, options and keys, and the
rule of which answers are public. A migration must write what it wrote that day, whatever
the default form becomes later, and must not break when app code moves, so it imports none:
only Django and the historical models of apps.get_model. Do not update this copy when the
default form changes; tests/callforms/test_migration_0002_frozen.py pins its rows.
"""

from django.db import migrations
from django.utils import timezone

ATTACHMENT_ACCEPT = [".pdf", ".png", ".jpg", ".jpeg", ".odt", ".docx", ".ods", ".xlsx"]
ATTACHMENT_MAX_SIZE_MB = 10
PUBLIC_KEYS = frozenset({"title", "summary", "communes", "themes", "description"})


def _builtin(field, label, *, required=True, help_text="", options=None):
    return {
        "key": field,
        "label": label,
        "help_text": help_text,
        "kind": "builtin",
        "builtin_field": field,
        "required": required,
        "options": options or {},
    }


def _long(key, label, *, help_text="", criteria=()):
    return {
        "key": key,
        "label": label,
        "help_text": help_text,
        "kind": "long_text",
        "required": True,
        "options": {"max_length": 10_000},
        "criteria_codes": list(criteria),
    }


def _files(key, label, *, required=False, max_files=10, help_text=""):
    return {
        "key": key,
        "label": label,
        "help_text": help_text,
        "kind": "files",
        "required": required,
        "options": {
            "accept": list(ATTACHMENT_ACCEPT),
            "max_size_mb": ATTACHMENT_MAX_SIZE_MB,
            "max_files": max_files,
        },
    }


DEFAULT_FORM = (
    {
        "key": "porteur",
        "title": "Porteur du projet",
        "introduction": (
            "Ces informations identifient la structure qui porte le projet et la personne que "
            "l'équipe d'instruction peut joindre."
        ),
        "questions": (
            _builtin("holder_name", "Nom de la structure porteuse"),
            _builtin("holder_type", "Type de porteur"),
            _builtin(
                "siret",
                "SIRET (facultatif)",
                required=False,
                help_text="14 chiffres, espaces permis ; la clé de contrôle est vérifiée.",
            ),
            _builtin("address", "Adresse"),
            _builtin("postcode", "Code postal (facultatif)", required=False),
            _builtin("city", "Commune du siège (facultatif)", required=False),
            _builtin("contact_name", "Personne à contacter"),
            _builtin("contact_email", "E-mail du contact"),
            _builtin(
                "contact_phone", "Téléphone du contact", help_text="Par exemple 03 21 00 00 00."
            ),
        ),
    },
    {
        "key": "projet",
        "title": "Le projet",
        "introduction": "",
        "questions": (
            _builtin("title", "Titre du projet"),
            _builtin(
                "summary",
                "Résumé",
                help_text="500 caractères au plus : il présente le projet en quelques phrases.",
                options={"max_length": 500},
            ),
            _long("description", "Description"),
            _builtin("themes", "Thématiques", help_text="Une ou plusieurs."),
            {
                "key": "stage",
                "label": "État d'avancement",
                "help_text": "",
                "kind": "choice",
                "required": True,
                "options": {
                    "choices": [
                        ["definition", "En définition"],
                        ["in_progress", "En cours de réalisation"],
                        ["completed", "Réalisé"],
                    ]
                },
            },
            _builtin("communes", "Communes du projet"),
        ),
    },
    {
        "key": "contribution",
        "title": "Contribution aux critères",
        "introduction": (
            "Expliquez ce que le projet apporte pour chacun des quatre groupes de critères de "
            "la grille d'évaluation. Les évaluateurs liront ces textes."
        ),
        "questions": (
            _long(
                "contribution_transition",
                "A. Contribution à la transition écologique et sociale",
                help_text=(
                    "Bien-être et cohésion sociale, usage responsable des ressources, "
                    "préservation des écosystèmes, résilience, implication des habitants."
                ),
                criteria=("A1", "A2", "A3", "A4", "A5"),
            ),
            _long(
                "contribution_feasibility",
                "B. Faisabilité",
                help_text=(
                    "Faisabilité technique et financière (budget, plan de financement), "
                    "partenariats."
                ),
                criteria=("B1", "B2", "B3"),
            ),
            _long(
                "contribution_diffusion",
                "C. Diffusion et exemplarité",
                help_text="Exemplarité et capacité à inspirer, stratégie de communication.",
                criteria=("C1",),
            ),
            _long(
                "contribution_innovation",
                "D. Innovation",
                help_text="Innovation technologique ou sociale.",
                criteria=("D1",),
            ),
        ),
    },
    {
        "key": "budget",
        "title": "Partenaires, budget et calendrier",
        "introduction": "",
        "questions": (
            _long("partners", "Partenaires", help_text="Les partenaires du projet et leur rôle."),
            _builtin("total_cost", "Coût total du projet (€)"),
            {
                "key": "financing_lines",
                "label": "Plan de financement",
                "help_text": (
                    "Une ligne par financeur ou source ; le total doit être égal au coût total "
                    "du projet."
                ),
                "kind": "table",
                "required": True,
                "options": {
                    "columns": [
                        {"key": "source", "label": "Financeur ou source", "kind": "text"},
                        {"key": "amount", "label": "Montant (€)", "kind": "amount"},
                        {"key": "secured", "label": "Acquis", "kind": "yesno"},
                    ],
                    "total_equals": "total_cost",
                },
                "criteria_codes": ["B2"],
            },
            _long(
                "milestones",
                "Étapes et calendrier",
                help_text="Les grandes étapes du projet et leur calendrier.",
            ),
            _long("diffusion_strategy", "Stratégie de diffusion"),
            _long("expected_support", "Accompagnement attendu du label"),
        ),
    },
    {
        "key": "pieces",
        "title": "Pièces jointes",
        "introduction": (
            "Le plan de financement est obligatoire pour le dépôt. Vous pouvez joindre aussi une "
            "présentation, des photos, des lettres de soutien."
        ),
        "questions": (
            _files("financing_plan", "Plan de financement", required=True),
            _files("presentation", "Présentation du projet"),
            _files("photos", "Photos", max_files=20),
            _files("support_letter", "Lettre de soutien"),
            _files("other", "Autre document"),
        ),
    },
    {
        "key": "consentement",
        "title": "Données personnelles",
        "introduction": "",
        "questions": (
            _builtin(
                "consent",
                (
                    "J'ai pris connaissance de cette information et j'accepte que les données "
                    "personnelles de ce dossier soient traitées pour son instruction."
                ),
            ),
        ),
    },
)


def _form_rows_create(call_form, *, section_model, question_model):
    """Write the frozen sections and questions into an empty form, as form_rows_create did."""
    for section_position, section in enumerate(DEFAULT_FORM, start=1):
        row = section_model.objects.create(
            form=call_form,
            key=section["key"],
            position=section_position,
            title=section["title"],
            introduction=section["introduction"],
        )
        question_model.objects.bulk_create(
            question_model(
                section=row,
                position=position,
                key=question["key"],
                label=question["label"],
                help_text=question.get("help_text", ""),
                kind=question["kind"],
                required=question.get("required", False),
                options=question.get("options", {}),
                builtin_field=question.get("builtin_field", ""),
                criteria_codes=list(question.get("criteria_codes", [])),
                visible_to_reviewers=True,
                visible_to_jury=True,
                visible_public=question["key"] in PUBLIC_KEYS,
            )
            for position, question in enumerate(section["questions"], start=1)
        )


def forms_create(apps, schema_editor):
    Wave = apps.get_model("label", "Wave")
    CallForm = apps.get_model("callforms", "CallForm")
    Section = apps.get_model("callforms", "Section")
    Question = apps.get_model("callforms", "Question")
    Application = apps.get_model("applications", "Application")
    filed_waves = set(
        Application.objects.filter(submitted_at__isnull=False).values_list("wave_id", flat=True)
    )
    now = timezone.now()
    for wave in Wave.objects.all():
        call_form, created = CallForm.objects.get_or_create(wave_id=wave.pk)
        if created:
            _form_rows_create(call_form, section_model=Section, question_model=Question)
        if wave.pk in filed_waves and call_form.locked_at is None:
            call_form.locked_at = now
            call_form.save(update_fields=["locked_at"])


def forms_delete(apps, schema_editor):
    apps.get_model("callforms", "CallForm").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("callforms", "0001_initial"),
        ("label", "0011_wave_edition"),
        ("applications", "0004_search_text_one_normalisation"),
    ]

    operations = [migrations.RunPython(forms_create, forms_delete)]
