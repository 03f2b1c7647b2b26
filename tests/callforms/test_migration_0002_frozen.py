"""Migration 0002 writes the form it wrote the day it was made, not today's default form.

The test pins the migration to the default form as `callforms.defaults` wrote it for a new
wave on 2026-12-05 (issue 12): the expectation below is a frozen copy, committed here, of the
rows that form_default_create wrote then, field by field. It is deliberately not compared
with the live `callforms.defaults`: the default form will change (a new question, a reworded
label) and the migration must not follow it, so a change to the defaults leaves this test
green; it fails only when the migration's own output changes, which an old migration must
never do. Had it been compared with the live defaults it would break on every such change,
and the easy fix (updating the migration to match) is exactly the bug it guards against.

The expectation was dumped from a new wave's default form, and the test was committed first
(9551ade) passing against the 0002 that still called form_default_create; 0002 then got its
own copy of the form and passes unchanged. A second test keeps app code out of 0002.
"""

import ast
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import WaveFactory

BEFORE_FORMS = ("callforms", "0001_initial")
DEFAULT_FORMS = ("callforms", "0002_default_forms")
MIGRATION_FILE = Path(__file__).resolve().parents[2] / "callforms/migrations/0002_default_forms.py"

FROZEN_SECTIONS = [
    {
        "key": "porteur",
        "position": 1,
        "title": "Porteur du projet",
        "introduction": (
            "Ces informations identifient la structure qui porte le projet et la personne que "
            "l'équipe d'instruction peut joindre."
        ),
    },
    {"key": "projet", "position": 2, "title": "Le projet", "introduction": ""},
    {
        "key": "contribution",
        "position": 3,
        "title": "Contribution aux critères",
        "introduction": (
            "Expliquez ce que le projet apporte pour chacun des quatre groupes de critères de la "
            "grille d'évaluation. Les évaluateurs liront ces textes."
        ),
    },
    {
        "key": "budget",
        "position": 4,
        "title": "Partenaires, budget et calendrier",
        "introduction": "",
    },
    {
        "key": "pieces",
        "position": 5,
        "title": "Pièces jointes",
        "introduction": (
            "Le plan de financement est obligatoire pour le dépôt. Vous pouvez joindre aussi une "
            "présentation, des photos, des lettres de soutien."
        ),
    },
    {"key": "consentement", "position": 6, "title": "Données personnelles", "introduction": ""},
]
FROZEN_QUESTIONS = [
    {
        "section": "porteur",
        "position": 1,
        "key": "holder_name",
        "label": "Nom de la structure porteuse",
        "help_text": "",
        "kind": "builtin",
        "required": True,
        "options": {},
        "builtin_field": "holder_name",
        "criteria_codes": [],
        "visible_public": False,
    },
    {
        "section": "porteur",
        "position": 2,
        "key": "holder_type",
        "label": "Type de porteur",
        "help_text": "",
        "kind": "builtin",
        "required": True,
        "options": {},
        "builtin_field": "holder_type",
        "criteria_codes": [],
        "visible_public": False,
    },
    {
        "section": "porteur",
        "position": 3,
        "key": "siret",
        "label": "SIRET (facultatif)",
        "help_text": "14 chiffres, espaces permis ; la clé de contrôle est vérifiée.",
        "kind": "builtin",
        "required": False,
        "options": {},
        "builtin_field": "siret",
        "criteria_codes": [],
        "visible_public": False,
    },
    {
        "section": "porteur",
        "position": 4,
        "key": "address",
        "label": "Adresse",
        "help_text": "",
        "kind": "builtin",
        "required": True,
        "options": {},
        "builtin_field": "address",
        "criteria_codes": [],
        "visible_public": False,
    },
    {
        "section": "porteur",
        "position": 5,
        "key": "postcode",
        "label": "Code postal (facultatif)",
        "help_text": "",
        "kind": "builtin",
        "required": False,
        "options": {},
        "builtin_field": "postcode",
        "criteria_codes": [],
        "visible_public": False,
    },
    {
        "section": "porteur",
        "position": 6,
        "key": "city",
        "label": "Commune du siège (facultatif)",
        "help_text": "",
        "kind": "builtin",
        "required": False,
        "options": {},
        "builtin_field": "city",
        "criteria_codes": [],
        "visible_public": False,
    },
    {
        "section": "porteur",
        "position": 7,
        "key": "contact_name",
        "label": "Personne à contacter",
        "help_text": "",
        "kind": "builtin",
        "required": True,
        "options": {},
        "builtin_field": "contact_name",
        "criteria_codes": [],
        "visible_public": False,
    },
    {
        "section": "porteur",
        "position": 8,
        "key": "contact_email",
        "label": "E-mail du contact",
        "help_text": "",
        "kind": "builtin",
        "required": True,
        "options": {},
        "builtin_field": "contact_email",
        "criteria_codes": [],
        "visible_public": False,
    },
    {
        "section": "porteur",
        "position": 9,
        "key": "contact_phone",
        "label": "Téléphone du contact",
        "help_text": "Par exemple 03 21 00 00 00.",
        "kind": "builtin",
        "required": True,
        "options": {},
        "builtin_field": "contact_phone",
        "criteria_codes": [],
        "visible_public": False,
    },
    {
        "section": "projet",
        "position": 1,
        "key": "title",
        "label": "Titre du projet",
        "help_text": "",
        "kind": "builtin",
        "required": True,
        "options": {},
        "builtin_field": "title",
        "criteria_codes": [],
        "visible_public": True,
    },
    {
        "section": "projet",
        "position": 2,
        "key": "summary",
        "label": "Résumé",
        "help_text": "500 caractères au plus : il présente le projet en quelques phrases.",
        "kind": "builtin",
        "required": True,
        "options": {"max_length": 500},
        "builtin_field": "summary",
        "criteria_codes": [],
        "visible_public": True,
    },
    {
        "section": "projet",
        "position": 3,
        "key": "description",
        "label": "Description",
        "help_text": "",
        "kind": "long_text",
        "required": True,
        "options": {"max_length": 10000},
        "builtin_field": "",
        "criteria_codes": [],
        "visible_public": True,
    },
    {
        "section": "projet",
        "position": 4,
        "key": "themes",
        "label": "Thématiques",
        "help_text": "Une ou plusieurs.",
        "kind": "builtin",
        "required": True,
        "options": {},
        "builtin_field": "themes",
        "criteria_codes": [],
        "visible_public": True,
    },
    {
        "section": "projet",
        "position": 5,
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
        "builtin_field": "",
        "criteria_codes": [],
        "visible_public": False,
    },
    {
        "section": "projet",
        "position": 6,
        "key": "communes",
        "label": "Communes du projet",
        "help_text": "",
        "kind": "builtin",
        "required": True,
        "options": {},
        "builtin_field": "communes",
        "criteria_codes": [],
        "visible_public": True,
    },
    {
        "section": "contribution",
        "position": 1,
        "key": "contribution_transition",
        "label": "A. Contribution à la transition écologique et sociale",
        "help_text": (
            "Bien-être et cohésion sociale, usage responsable des ressources, préservation des "
            "écosystèmes, résilience, implication des habitants."
        ),
        "kind": "long_text",
        "required": True,
        "options": {"max_length": 10000},
        "builtin_field": "",
        "criteria_codes": ["A1", "A2", "A3", "A4", "A5"],
        "visible_public": False,
    },
    {
        "section": "contribution",
        "position": 2,
        "key": "contribution_feasibility",
        "label": "B. Faisabilité",
        "help_text": (
            "Faisabilité technique et financière (budget, plan de financement), partenariats."
        ),
        "kind": "long_text",
        "required": True,
        "options": {"max_length": 10000},
        "builtin_field": "",
        "criteria_codes": ["B1", "B2", "B3"],
        "visible_public": False,
    },
    {
        "section": "contribution",
        "position": 3,
        "key": "contribution_diffusion",
        "label": "C. Diffusion et exemplarité",
        "help_text": "Exemplarité et capacité à inspirer, stratégie de communication.",
        "kind": "long_text",
        "required": True,
        "options": {"max_length": 10000},
        "builtin_field": "",
        "criteria_codes": ["C1"],
        "visible_public": False,
    },
    {
        "section": "contribution",
        "position": 4,
        "key": "contribution_innovation",
        "label": "D. Innovation",
        "help_text": "Innovation technologique ou sociale.",
        "kind": "long_text",
        "required": True,
        "options": {"max_length": 10000},
        "builtin_field": "",
        "criteria_codes": ["D1"],
        "visible_public": False,
    },
    {
        "section": "budget",
        "position": 1,
        "key": "partners",
        "label": "Partenaires",
        "help_text": "Les partenaires du projet et leur rôle.",
        "kind": "long_text",
        "required": True,
        "options": {"max_length": 10000},
        "builtin_field": "",
        "criteria_codes": [],
        "visible_public": False,
    },
    {
        "section": "budget",
        "position": 2,
        "key": "total_cost",
        "label": "Coût total du projet (€)",
        "help_text": "",
        "kind": "builtin",
        "required": True,
        "options": {},
        "builtin_field": "total_cost",
        "criteria_codes": [],
        "visible_public": False,
    },
    {
        "section": "budget",
        "position": 3,
        "key": "financing_lines",
        "label": "Plan de financement",
        "help_text": (
            "Une ligne par financeur ou source ; le total doit être égal au coût total du projet."
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
        "builtin_field": "",
        "criteria_codes": ["B2"],
        "visible_public": False,
    },
    {
        "section": "budget",
        "position": 4,
        "key": "milestones",
        "label": "Étapes et calendrier",
        "help_text": "Les grandes étapes du projet et leur calendrier.",
        "kind": "long_text",
        "required": True,
        "options": {"max_length": 10000},
        "builtin_field": "",
        "criteria_codes": [],
        "visible_public": False,
    },
    {
        "section": "budget",
        "position": 5,
        "key": "diffusion_strategy",
        "label": "Stratégie de diffusion",
        "help_text": "",
        "kind": "long_text",
        "required": True,
        "options": {"max_length": 10000},
        "builtin_field": "",
        "criteria_codes": [],
        "visible_public": False,
    },
    {
        "section": "budget",
        "position": 6,
        "key": "expected_support",
        "label": "Accompagnement attendu du label",
        "help_text": "",
        "kind": "long_text",
        "required": True,
        "options": {"max_length": 10000},
        "builtin_field": "",
        "criteria_codes": [],
        "visible_public": False,
    },
    {
        "section": "pieces",
        "position": 1,
        "key": "financing_plan",
        "label": "Plan de financement",
        "help_text": "",
        "kind": "files",
        "required": True,
        "options": {
            "accept": [".pdf", ".png", ".jpg", ".jpeg", ".odt", ".docx", ".ods", ".xlsx"],
            "max_size_mb": 10,
            "max_files": 10,
        },
        "builtin_field": "",
        "criteria_codes": [],
        "visible_public": False,
    },
    {
        "section": "pieces",
        "position": 2,
        "key": "presentation",
        "label": "Présentation du projet",
        "help_text": "",
        "kind": "files",
        "required": False,
        "options": {
            "accept": [".pdf", ".png", ".jpg", ".jpeg", ".odt", ".docx", ".ods", ".xlsx"],
            "max_size_mb": 10,
            "max_files": 10,
        },
        "builtin_field": "",
        "criteria_codes": [],
        "visible_public": False,
    },
    {
        "section": "pieces",
        "position": 3,
        "key": "photos",
        "label": "Photos",
        "help_text": "",
        "kind": "files",
        "required": False,
        "options": {
            "accept": [".pdf", ".png", ".jpg", ".jpeg", ".odt", ".docx", ".ods", ".xlsx"],
            "max_size_mb": 10,
            "max_files": 20,
        },
        "builtin_field": "",
        "criteria_codes": [],
        "visible_public": False,
    },
    {
        "section": "pieces",
        "position": 4,
        "key": "support_letter",
        "label": "Lettre de soutien",
        "help_text": "",
        "kind": "files",
        "required": False,
        "options": {
            "accept": [".pdf", ".png", ".jpg", ".jpeg", ".odt", ".docx", ".ods", ".xlsx"],
            "max_size_mb": 10,
            "max_files": 10,
        },
        "builtin_field": "",
        "criteria_codes": [],
        "visible_public": False,
    },
    {
        "section": "pieces",
        "position": 5,
        "key": "other",
        "label": "Autre document",
        "help_text": "",
        "kind": "files",
        "required": False,
        "options": {
            "accept": [".pdf", ".png", ".jpg", ".jpeg", ".odt", ".docx", ".ods", ".xlsx"],
            "max_size_mb": 10,
            "max_files": 10,
        },
        "builtin_field": "",
        "criteria_codes": [],
        "visible_public": False,
    },
    {
        "section": "consentement",
        "position": 1,
        "key": "consent",
        "label": (
            "J'ai pris connaissance de cette information et j'accepte que les données personnelles"
            " de ce dossier soient traitées pour son instruction."
        ),
        "help_text": "",
        "kind": "builtin",
        "required": True,
        "options": {},
        "builtin_field": "consent",
        "criteria_codes": [],
        "visible_public": False,
    },
]
# Every question of the default form had these values (no condition, read by reviewers and
# jury); stated once rather than 31 times, still compared on every row.
FROZEN_ON_EVERY_QUESTION = {
    "condition_key": "",
    "condition_value": "",
    "visible_to_reviewers": True,
    "visible_to_jury": True,
}
QUESTION_FIELDS = [*FROZEN_QUESTIONS[0], *FROZEN_ON_EVERY_QUESTION]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_migration_0002_writes_the_frozen_default_form_field_by_field():
    wave = WaveFactory(number=9)
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        _migrate([BEFORE_FORMS])
        # Only 0002 runs: a later migration of callforms must not blur what 0002 wrote.
        old_apps = _migrate([DEFAULT_FORMS])
        call_form = old_apps.get_model("callforms", "CallForm").objects.get(wave_id=wave.pk)
        sections = list(
            old_apps.get_model("callforms", "Section")
            .objects.filter(form=call_form)
            .order_by("position")
            .values("key", "position", "title", "introduction")
        )
        questions = [
            {"section": row.pop("section__key"), **row}
            for row in old_apps.get_model("callforms", "Question")
            .objects.filter(section__form=call_form)
            .order_by("section__position", "position")
            .values("section__key", *QUESTION_FIELDS[1:])
        ]
    finally:
        _migrate(leaves)

    assert (call_form.version, call_form.locked_at, call_form.updated_by_id) == (1, None, None)
    assert sections == FROZEN_SECTIONS
    assert [(row["section"], row["key"]) for row in questions] == [
        (row["section"], row["key"]) for row in FROZEN_QUESTIONS
    ]
    for actual, frozen in zip(questions, FROZEN_QUESTIONS, strict=True):
        assert actual == {**frozen, **FROZEN_ON_EVERY_QUESTION}


def test_migration_0002_imports_no_app_code():
    """Only Django: app code moves and changes, and the migration would follow or break."""
    tree = ast.parse(MIGRATION_FILE.read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported
    assert {name for name in imported if name.split(".")[0] != "django"} == set()
