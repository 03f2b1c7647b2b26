"""The declaration of a wave's form: today's dossier by default, read in few queries, and the
completeness rule (required, conditions, table total, files)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from callforms.declaration import FormSpec, QuestionSpec, SectionSpec, cache_clear, form_for
from callforms.enums import QuestionKind
from callforms.models import CallForm
from callforms.services import form_lock
from tests.factories import WaveFactory

K = QuestionKind

pytestmark = pytest.mark.django_db

OLD_ANSWER_FIELDS = [
    "description",
    "stage",
    "contribution_transition",
    "contribution_feasibility",
    "contribution_diffusion",
    "contribution_innovation",
    "partners",
    "financing_lines",
    "milestones",
    "diffusion_strategy",
    "expected_support",
]
BUILTINS = [
    "holder_name",
    "holder_type",
    "siret",
    "address",
    "postcode",
    "city",
    "contact_name",
    "contact_email",
    "contact_phone",
    "title",
    "summary",
    "themes",
    "communes",
    "total_cost",
    "consent",
]


def complete_builtins():
    return {
        "holder_name": "Association des jardins",
        "holder_type": "association",
        "siret": "",
        "address": "1 rue du Puits",
        "postcode": "",
        "city": "",
        "contact_name": "Camille Martin",
        "contact_email": "camille@example.org",
        "contact_phone": "03 21 00 00 00",
        "title": "Jardins partagés",
        "summary": "Des jardins.",
        "themes": ["nature"],
        "communes": ["62498"],
        "territory_wide": False,
        "total_cost": Decimal("1000.00"),
        "consent": True,
    }


def complete_answers():
    answers = {key: "Texte." for key in OLD_ANSWER_FIELDS}
    answers["stage"] = "definition"
    answers["financing_lines"] = [{"source": "Région", "amount": "1000.00", "secured": True}]
    return answers


def test_the_default_form_is_todays_dossier():
    spec = form_for(WaveFactory())
    assert [section.key for section in spec.sections] == [
        "porteur",
        "projet",
        "contribution",
        "budget",
        "pieces",
        "consentement",
    ]
    assert [q.key for q in spec.answer_questions()] == OLD_ANSWER_FIELDS
    assert [q.builtin_field for q in spec.builtin_questions()] == BUILTINS
    assert [q.key for q in spec.file_questions()] == [
        "financing_plan",
        "presentation",
        "photos",
        "support_letter",
        "other",
    ]
    assert spec.question("financing_plan").required
    assert not spec.question("photos").required
    financing = spec.question("financing_lines")
    assert financing.kind == K.TABLE and financing.required
    assert financing.options["total_equals"] == "total_cost"
    assert [c["key"] for c in financing.options["columns"]] == ["source", "amount", "secured"]
    assert not spec.locked


def test_visibility_reviewers_and_jury_see_everything_the_public_what_the_catalogue_shows():
    spec = form_for(WaveFactory())
    every = [q.key for q in spec.questions()]
    assert [q.key for q in spec.visible_for("staff")] == every
    assert [q.key for q in spec.visible_for("reviewer")] == every
    assert [q.key for q in spec.visible_for("jury")] == every
    assert {q.key for q in spec.visible_for("public")} == {
        "title",
        "summary",
        "communes",
        "themes",
        "description",
    }


def test_form_for_reads_in_two_queries_then_one_and_sees_edits():
    wave = WaveFactory()
    form_for(wave)  # creates the default form
    cache_clear()
    with CaptureQueriesContext(connection) as first:
        spec = form_for(wave)
    assert len(first) <= 2
    with CaptureQueriesContext(connection) as second:
        assert form_for(wave) is spec
    assert len(second) == 1
    form_lock(wave=wave)
    assert form_for(wave).locked
    assert CallForm.objects.get(wave=wave).locked_at is not None


def test_a_complete_dossier_misses_nothing():
    spec = form_for(WaveFactory())
    assert (
        spec.missing(
            complete_answers(),
            attachments_by_key={"financing_plan": 1},
            builtin_values=complete_builtins(),
        )
        == []
    )


def test_missing_says_what_is_required_in_form_order():
    spec = form_for(WaveFactory())
    builtins = complete_builtins()
    builtins["holder_name"] = ""
    builtins["communes"] = []
    answers = complete_answers()
    del answers["description"]
    problems = spec.missing(answers, attachments_by_key={}, builtin_values=builtins)
    assert problems == [
        ("holder_name", "Renseignez « Nom de la structure porteuse »."),
        ("description", "Renseignez « Description »."),
        ("communes", "Renseignez « Communes du projet »."),
        ("financing_plan", "Joignez la pièce obligatoire : Plan de financement."),
    ]
    builtins["communes"], builtins["territory_wide"] = [], True
    keys = [
        key for key, _m in spec.missing(answers, attachments_by_key={}, builtin_values=builtins)
    ]
    assert "communes" not in keys


def test_missing_checks_the_financing_total_against_the_total_cost():
    spec = form_for(WaveFactory())
    builtins = complete_builtins()
    builtins["total_cost"] = Decimal("1500.00")
    problems = dict(
        spec.missing(
            complete_answers(), attachments_by_key={"financing_plan": 1}, builtin_values=builtins
        )
    )
    assert problems == {
        "financing_lines": "Le total de « Plan de financement » (1000.00 €) doit être égal au "
        "coût total du projet (1500.00 €)."
    }


def _conditional_form():
    def question(key, kind, **fields):
        base = {"label": key.capitalize(), "help_text": "", "required": False, "options": {}}
        base.update(fields)
        return QuestionSpec(key=key, kind=kind, section_key="s", **base)

    return FormSpec(
        wave_id=1,
        version=1,
        locked=False,
        sections=(
            SectionSpec(
                key="s",
                title="S",
                introduction="",
                questions=(
                    question("employer", K.YESNO, required=True),
                    question(
                        "staff",
                        K.NUMBER,
                        required=True,
                        condition_key="employer",
                        condition_value="true",
                    ),
                    question("kind", K.MULTICHOICE, options={"choices": [["a", "A"], ["b", "B"]]}),
                    question(
                        "detail",
                        K.SHORT_TEXT,
                        required=True,
                        condition_key="kind",
                        condition_value="b",
                    ),
                    question("plans", K.FILES, options={"max_files": 1}),
                ),
            ),
        ),
    )


def test_a_hidden_question_is_never_missing_and_a_shown_one_is():
    spec = _conditional_form()
    missing = lambda answers, files=None: [  # noqa: E731
        key for key, _m in spec.missing(answers, attachments_by_key=files, builtin_values={})
    ]
    assert missing({"employer": False}) == []
    assert missing({"employer": True}) == ["staff"]
    assert missing({"employer": False, "kind": ["a", "b"]}) == ["detail"]
    assert missing({"employer": False}, {"plans": 2}) == ["plans"]
    assert spec.question("staff").is_shown({"employer": True})
    assert not spec.question("staff").is_shown({})


def test_a_wave_made_outside_the_wave_page_has_its_form_once_committed(
    django_capture_on_commit_callbacks,
):
    from callforms.models import CallForm

    with django_capture_on_commit_callbacks(execute=True):
        wave = WaveFactory()

    assert CallForm.objects.get(wave=wave).sections.count() == 6
