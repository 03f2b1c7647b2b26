"""The services that write a form: creation and copy with a new wave, lock, edits with their
version check, and the refusal of a form the applicant could not complete."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from callforms import services
from callforms.declaration import form_for
from callforms.enums import QuestionKind
from callforms.models import CallForm, Question, Section
from callforms.signals import question_deleted
from label.services import wave_create
from tests.factories import WaveFactory

K = QuestionKind
pytestmark = pytest.mark.django_db


def new_wave_data(number, *, years_ahead=1):
    start = timezone.now() + timedelta(days=365 * years_ahead)
    return {
        "number": number,
        "year": start.year,
        "title": f"Vague {number}",
        "opens_at": start,
        "closes_at": start + timedelta(days=60),
    }


def version(wave):
    return CallForm.objects.get(wave=wave).version


def add(wave, kind, label, section_key="projet", **fields):
    section = Section.objects.get(form__wave=wave, key=section_key)
    return services.question_create(
        section=section, version=version(wave), user=None, kind=kind, label=label, **fields
    )


def test_a_new_wave_gets_the_default_form_and_a_copy_keeps_the_keys():
    first = wave_create(data=new_wave_data(21))
    assert [q.key for q in form_for(first).questions()][:2] == ["holder_name", "holder_type"]
    added = add(first, K.YESNO, "Êtes-vous employeur ?")
    assert added.key == "etes_vous_employeur"
    services.form_lock(wave=first)

    second = wave_create(data=new_wave_data(22, years_ahead=2), copy_from=first)
    copied = form_for(second)
    assert [q.key for q in copied.questions()] == [q.key for q in form_for(first).questions()]
    assert copied.question("etes_vous_employeur").kind == K.YESNO
    assert not copied.locked


def test_form_lock_is_idempotent():
    wave = WaveFactory()
    locked_at = services.form_lock(wave=wave).locked_at
    assert services.form_lock(wave=wave).locked_at == locked_at


def test_an_edit_bumps_the_version_and_an_older_version_is_refused():
    wave = WaveFactory()
    form_for(wave)
    question = Question.objects.get(section__form__wave=wave, key="description")
    before = version(wave)
    services.question_update(question=question, version=before, user=None, label="Le projet")
    assert version(wave) == before + 1
    with pytest.raises(services.FormConflict):
        services.question_update(question=question, version=before, user=None, label="Autre")
    question.refresh_from_db()
    assert question.label == "Le projet"


def test_a_locked_form_changes_only_its_wording():
    wave = WaveFactory()
    form_for(wave)
    services.form_lock(wave=wave)
    question = Question.objects.get(section__form__wave=wave, key="description")
    services.question_update(
        question=question, version=version(wave), user=None, help_text="Décrivez le projet."
    )
    with pytest.raises(services.FormLocked):
        services.question_update(
            question=question, version=version(wave), user=None, required=False
        )
    with pytest.raises(services.FormLocked):
        add(wave, K.SHORT_TEXT, "Nouvelle question")
    with pytest.raises(services.FormLocked):
        services.question_delete(question=question, version=version(wave), user=None)


def test_a_builtin_question_is_never_deleted_nor_changed_in_kind():
    wave = WaveFactory()
    form_for(wave)
    title = Question.objects.get(section__form__wave=wave, key="title")
    with pytest.raises(ValidationError):
        services.question_delete(question=title, version=version(wave), user=None)
    with pytest.raises(ValidationError):
        services.question_update(question=title, version=version(wave), user=None, required=False)
    services.question_update(
        question=title, version=version(wave), user=None, label="Nom du projet"
    )


def test_deleting_a_question_tells_the_apps_above():
    wave = WaveFactory()
    form_for(wave)
    question = add(wave, K.SHORT_TEXT, "Site du projet")
    received = []

    def listener(sender, wave, key, **kwargs):
        received.append((wave.pk, key))

    question_deleted.connect(listener)
    try:
        services.question_delete(question=question, version=version(wave), user=None)
    finally:
        question_deleted.disconnect(listener)
    assert received == [(wave.pk, "site_du_projet")]
    assert form_for(wave).question("site_du_projet") is None


@pytest.mark.parametrize(
    ("condition", "reason"),
    [
        ({"condition_key": "employees", "condition_value": "true"}, "elle-même conditionnelle"),
        ({"condition_key": "employer", "condition_value": "peut-être"}, "n'est pas l'une des"),
        ({"condition_key": "later", "condition_value": "true"}, "placée après elle"),
        ({"condition_key": "description", "condition_value": "x"}, "oui / non ou à choix"),
    ],
)
def test_a_form_that_cannot_be_completed_is_refused_with_the_reason(condition, reason):
    wave = WaveFactory()
    form_for(wave)
    add(wave, K.YESNO, "Employer", section_key="porteur")
    add(
        wave,
        K.NUMBER,
        "Employees",
        section_key="porteur",
        condition_key="employer",
        condition_value="true",
    )
    question = add(wave, K.SHORT_TEXT, "Détail", required=True)
    add(wave, K.YESNO, "Later", section_key="budget")
    before = version(wave)
    with pytest.raises(ValidationError) as error:
        services.question_update(question=question, version=before, user=None, **condition)
    assert reason in " ".join(error.value.messages)
    assert "ne pourrait jamais être remplie" in " ".join(error.value.messages)
    assert version(wave) == before
    question.refresh_from_db()
    assert question.condition_key == ""


def test_moving_a_condition_below_its_question_is_refused():
    wave = WaveFactory()
    form_for(wave)
    employer = add(wave, K.YESNO, "Employer", section_key="budget")
    add(
        wave,
        K.NUMBER,
        "Employees",
        section_key="budget",
        condition_key="employer",
        condition_value="true",
    )
    with pytest.raises(ValidationError):
        services.question_move(
            question=employer, direction="down", version=version(wave), user=None
        )


def test_questions_and_sections_move_up_and_down_across_sections():
    wave = WaveFactory()
    form_for(wave)
    holder = Question.objects.get(section__form__wave=wave, key="holder_name")
    services.question_move(question=holder, direction="down", version=version(wave), user=None)
    assert [q.key for q in form_for(wave).questions()][:2] == ["holder_type", "holder_name"]
    consent = Question.objects.get(section__form__wave=wave, key="consent")
    services.question_move(question=consent, direction="up", version=version(wave), user=None)
    assert form_for(wave).question("consent").section_key == "pieces"
    section = Section.objects.get(form__wave=wave, key="consentement")
    services.section_move(section=section, direction="up", version=version(wave), user=None)
    assert [s.key for s in form_for(wave).sections][-2:] == ["consentement", "pieces"]
    services.section_delete(section=section, version=version(wave), user=None)
    assert form_for(wave).section("consentement") is None


def test_a_section_with_questions_is_not_deleted():
    wave = WaveFactory()
    form_for(wave)
    section = Section.objects.get(form__wave=wave, key="projet")
    with pytest.raises(ValidationError):
        services.section_delete(section=section, version=version(wave), user=None)
    created = services.section_create(
        wave=wave, version=version(wave), user=None, title="Gouvernance"
    )
    assert created.key == "gouvernance"
    assert form_for(wave).sections[-1].title == "Gouvernance"


def test_a_new_key_never_takes_a_builtin_or_reserved_name():
    wave = WaveFactory()
    form_for(wave)
    assert add(wave, K.SHORT_TEXT, "Title").key == "title_2"
    assert add(wave, K.YESNO, "Territory wide").key == "territory_wide_2"
    assert add(wave, K.SHORT_TEXT, "2030 en vue").key == "question_2030_en_vue"
