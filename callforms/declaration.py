"""The declaration of a wave's form: frozen specs every part of the portal reads (issue 12).

`form_for(wave)` reads the form's rows once per version and keeps the result in the process:
the dossier editor, completeness, PDFs, exports and retention all ask it, and none of them
writes a list of questions of its own.
"""

import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from callforms.enums import STAFF, QuestionKind
from callforms.kinds import kind_for

# Builtin fields whose emptiness needs more than the value (see QuestionSpec.is_answered).
TERRITORY_WIDE = "territory_wide"


@dataclass(frozen=True)
class QuestionSpec:
    """One question of a form, as every reader sees it (kinds.py does the work)."""

    key: str
    label: str
    help_text: str
    kind: str
    required: bool
    options: Mapping = field(default_factory=dict, hash=False, compare=False)
    builtin_field: str = ""
    condition_key: str = ""
    condition_value: str = ""
    visible_to: frozenset = frozenset()
    criteria_codes: tuple = ()
    section_key: str = ""

    @property
    def is_builtin(self):
        return self.kind == QuestionKind.BUILTIN

    @property
    def is_file(self):
        return self.kind == QuestionKind.FILES

    @property
    def kind_label(self):
        return QuestionKind(self.kind).label

    def is_shown(self, answers: Mapping) -> bool:
        """Is the question asked, given the other answers? (one level of conditions)

        A builtin question is always shown. A yes/no condition value is "true" or "false";
        a multichoice answer meets the condition when it holds the value.
        """
        if self.is_builtin or not self.condition_key:
            return True
        answer = answers.get(self.condition_key)
        if isinstance(answer, bool):
            return ("true" if answer else "false") == self.condition_value
        if isinstance(answer, (list, tuple)):
            return self.condition_value in [str(item) for item in answer]
        return answer is not None and str(answer) == self.condition_value

    def form_field(self):
        """The Django form field asking the question (never required: see FormSpec.missing)."""
        return kind_for(self.kind).form_field(self)

    def clean(self, raw):
        """The JSON value of a typed or stored answer; ValidationError in French if bad."""
        return kind_for(self.kind).clean(self, raw)

    def is_empty(self, value) -> bool:
        return kind_for(self.kind).is_empty(self, value)

    def display(self, value) -> str:
        """The answer as French text: « 48 500,00 € », « oui », « 4 mars 2027 »."""
        return kind_for(self.kind).display(self, value)

    def export_headers(self) -> list:
        return kind_for(self.kind).export_headers(self)

    def export_values(self, value) -> list:
        return kind_for(self.kind).export_values(self, value)

    def anonymised(self, value):
        """What retention writes instead of the answer."""
        return kind_for(self.kind).anonymised(self, value)

    def is_visible_to(self, audience) -> bool:
        return audience == STAFF or audience in self.visible_to


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str
    introduction: str
    questions: tuple = ()


@dataclass(frozen=True)
class FormSpec:
    wave_id: int
    version: int
    locked: bool
    sections: tuple = ()

    def questions(self) -> Iterator[QuestionSpec]:
        """Every question, in form order."""
        for section in self.sections:
            yield from section.questions

    def question(self, key) -> QuestionSpec | None:
        return next((question for question in self.questions() if question.key == key), None)

    def section(self, key) -> SectionSpec | None:
        return next((section for section in self.sections if section.key == key), None)

    def answer_questions(self) -> list:
        """The questions whose answers Application.answers stores (not builtin, not files)."""
        return [q for q in self.questions() if not q.is_builtin and not q.is_file]

    def file_questions(self) -> list:
        return [q for q in self.questions() if q.is_file]

    def builtin_questions(self) -> list:
        return [q for q in self.questions() if q.is_builtin]

    def visible_for(self, audience) -> list:
        """The questions an audience reads: "staff" all; "reviewer", "jury", "public"."""
        return [q for q in self.questions() if q.is_visible_to(audience)]

    def missing(self, answers, *, attachments_by_key, builtin_values) -> list:
        """What still prevents filing, as (question_key, French sentence), in form order.

        ``answers`` is Application.answers; ``attachments_by_key`` maps a file question's key
        to the number of files (or the files) joined; ``builtin_values`` maps a builtin field
        to its value (``communes`` a list, ``territory_wide`` a bool, ``consent`` a bool,
        ``total_cost`` a Decimal or None). A condition may name a builtin question too.
        """
        answers = answers or {}
        attachments_by_key = attachments_by_key or {}
        builtin_values = builtin_values or {}
        seen = dict(answers)
        for question in self.builtin_questions():
            seen[question.key] = builtin_values.get(question.builtin_field)
        problems = []
        for question in self.questions():
            if not question.is_shown(seen):
                continue
            problem = self._problem(question, answers, attachments_by_key, builtin_values)
            if problem:
                problems.append((question.key, problem))
        return problems

    def _problem(self, question, answers, attachments_by_key, builtin_values):
        if question.is_builtin:
            value = builtin_values.get(question.builtin_field)
            if question.builtin_field == "communes" and builtin_values.get(TERRITORY_WIDE):
                return None
            if question.required and question.is_empty(value):
                return _("Renseignez « %(label)s ».") % {"label": question.label}
            return None
        if question.is_file:
            files = attachments_by_key.get(question.key)
            count = files if isinstance(files, int) else len(files or ())
            if question.required and count == 0:
                return _("Joignez la pièce obligatoire : %(label)s.") % {"label": question.label}
            limit = kind_for(question.kind).max_files(question)
            if count > limit:
                return _("Joignez au plus %(max)s fichiers pour « %(label)s ».") % {
                    "max": limit,
                    "label": question.label,
                }
            return None
        value = answers.get(question.key)
        if question.required and question.is_empty(value):
            return _("Renseignez « %(label)s ».") % {"label": question.label}
        if question.kind == QuestionKind.TABLE and not question.is_empty(value):
            return self._total_problem(question, value, builtin_values)
        return None

    def _total_problem(self, question, rows, builtin_values):
        target = question.options.get("total_equals")
        if not target:
            return None
        expected = builtin_values.get(target)
        if expected is None:
            return None  # the builtin question of the total says it is missing
        total = kind_for(question.kind).total(question, rows)
        if total != Decimal(str(expected)):
            return _(
                "Le total de « %(label)s » (%(total)s €) doit être égal au coût total du projet "
                "(%(cost)s €)."
            ) % {"label": question.label, "total": total, "cost": expected}
        return None


# In-process cache of the declarations, by (form pk, version, last edit): an edit bumps the
# version, so a stale declaration is never read; the time guards against a test database
# giving a new form the pk and version of one rolled back.
_CACHE_SIZE = 128
_cache = OrderedDict()
_cache_lock = threading.Lock()


def _visible_to(question):
    audiences = set()
    if question.visible_to_reviewers:
        audiences.add("reviewer")
    if question.visible_to_jury:
        audiences.add("jury")
    if question.visible_public:
        audiences.add("public")
    return frozenset(audiences)


def question_spec(question, section_key):
    """The frozen spec of a Question row."""
    return QuestionSpec(
        key=question.key,
        label=question.label,
        help_text=question.help_text,
        kind=question.kind,
        required=question.required,
        options=dict(question.options or {}),
        builtin_field=question.builtin_field,
        condition_key=question.condition_key,
        condition_value=question.condition_value,
        visible_to=_visible_to(question),
        criteria_codes=tuple(question.criteria_codes or ()),
        section_key=section_key,
    )


def spec_build(call_form, sections, questions):
    """Build the FormSpec of rows already read (sections and questions in order)."""
    by_section = {section.pk: [] for section in sections}
    keys = {section.pk: section.key for section in sections}
    for question in questions:
        by_section[question.section_id].append(question_spec(question, keys[question.section_id]))
    return FormSpec(
        wave_id=call_form.wave_id,
        version=call_form.version,
        locked=call_form.is_locked,
        sections=tuple(
            SectionSpec(
                key=section.key,
                title=section.title,
                introduction=section.introduction,
                questions=tuple(by_section[section.pk]),
            )
            for section in sections
        ),
    )


def form_for(wave) -> FormSpec:
    """The declaration of the wave's form (created from the default if the wave has none).

    Two queries when the version is new to this process, one when it is cached.
    """
    from callforms.defaults import form_default_create
    from callforms.models import CallForm, Question, Section

    sections = list(
        Section.objects.filter(form__wave_id=wave.pk)
        .select_related("form")
        .order_by("position", "pk")
    )
    if sections:
        call_form = sections[0].form
    else:
        call_form = form_default_create(
            wave, form_model=CallForm, section_model=Section, question_model=Question
        )
        sections = list(call_form.sections.order_by("position", "pk"))
    cache_key = (call_form.pk, call_form.version, call_form.updated_at, call_form.locked_at)
    with _cache_lock:
        spec = _cache.get(cache_key)
        if spec is not None:
            _cache.move_to_end(cache_key)
            return spec
    questions = Question.objects.filter(section__in=[s.pk for s in sections]).order_by(
        "section__position", "section_id", "position", "pk"
    )
    # Questions come ordered by their section's position, then their own.
    order = {section.pk: index for index, section in enumerate(sections)}
    questions = sorted(questions, key=lambda q: (order[q.section_id], q.position, q.pk))
    spec = spec_build(call_form, sections, questions)
    with _cache_lock:
        _cache[cache_key] = spec
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return spec


def cache_clear():
    """Forget every cached declaration (tests; an edit needs not: its version is new)."""
    with _cache_lock:
        _cache.clear()
