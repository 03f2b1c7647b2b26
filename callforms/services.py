"""Writing a wave's form: create, copy, lock, and the staff's edits (issue 12).

Every edit runs under a row lock of the form, checks the version the editor read (optimistic
concurrency: an older version raises FormConflict and nothing is written), refuses a change of
structure once the form is locked (FormLocked), refuses a form the applicant could not complete
(ValidationError with the reason), then bumps the version.
"""

from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from callforms import registry
from callforms.defaults import form_default_create
from callforms.enums import BUILTIN_FIELDS, CONDITION_KINDS, EDITABLE_KINDS, QuestionKind
from callforms.kinds import kind_for
from callforms.models import CallForm, Question, Section
from callforms.signals import question_deleted

# The fields of a question or section that stay editable once the form is locked.
QUESTION_WORDING_FIELDS = ("label", "help_text")
SECTION_WORDING_FIELDS = ("title", "introduction")
QUESTION_FIELDS = (
    "label",
    "help_text",
    "required",
    "kind",
    "options",
    "condition_key",
    "condition_value",
    "visible_to_reviewers",
    "visible_to_jury",
    "visible_public",
    "criteria_codes",
)
QUESTION_COPIED_FIELDS = (*QUESTION_FIELDS, "key", "position", "builtin_field")
KEY_MAX_LENGTH = 40
# Names a new question's key never takes: the dossier's forms use them beside the answers.
RESERVED_KEYS = frozenset(
    {*BUILTIN_FIELDS, "territory_wide", "consent_given_at", "version", "section", "kind", "file"}
)
UP, DOWN = "up", "down"
# The kinds a question answered by drafts may take, from its kind: those under which every
# answer already stored stays valid as it is. A text (or an e-mail, web address, phone,
# SIRET: text that passed a stricter check) stays text, if the new limit holds the longest
# answer the old kind accepted; a single choice becomes multiple choices, if its choices stay
# (kinds.MultiChoiceKind reads the one stored value as a list of one).
TEXT_TARGETS = (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT)
KIND_CHANGES_KEEPING_ANSWERS = {
    QuestionKind.SHORT_TEXT: TEXT_TARGETS,
    QuestionKind.LONG_TEXT: TEXT_TARGETS,
    QuestionKind.EMAIL: TEXT_TARGETS,
    QuestionKind.URL: TEXT_TARGETS,
    QuestionKind.PHONE: TEXT_TARGETS,
    QuestionKind.SIRET: TEXT_TARGETS,
    QuestionKind.CHOICE: (QuestionKind.MULTICHOICE,),
}


class FormConflict(Exception):
    """The form changed since the editor read it (another person saved meanwhile)."""


class FormLocked(Exception):
    """The form is locked: only wording may change."""


def form_create_default(wave):
    """Give the wave the default form (today's dossier) unless it has one; returns the form."""
    return form_default_create(
        wave, form_model=CallForm, section_model=Section, question_model=Question
    )


def form_get(wave):
    """The wave's form, created from the default when the wave has none yet."""
    try:
        return CallForm.objects.get(wave_id=wave.pk)
    except CallForm.DoesNotExist:
        return form_create_default(wave)


@transaction.atomic
def form_copy(wave, source):
    """Give `wave` a copy of `source`'s form, keys included (answers map by key), unlocked.

    A wave that already has a form keeps it.
    """
    existing = CallForm.objects.filter(wave_id=wave.pk).first()
    if existing is not None:
        return existing
    source_form = form_get(source)
    call_form = CallForm.objects.create(wave=wave)
    for section in source_form.sections.order_by("position", "pk").prefetch_related("questions"):
        copy = Section.objects.create(
            form=call_form,
            key=section.key,
            position=section.position,
            title=section.title,
            introduction=section.introduction,
        )
        Question.objects.bulk_create(
            Question(section=copy, **{name: getattr(q, name) for name in QUESTION_COPIED_FIELDS})
            for q in section.questions.all()
        )
    return call_form


def form_lock(*, wave):
    """Lock the wave's form (the first dossier is filed); idempotent. Returns the form."""
    call_form = form_get(wave)
    if call_form.locked_at is None:
        CallForm.objects.filter(pk=call_form.pk, locked_at__isnull=True).update(
            locked_at=timezone.now()
        )
        call_form.refresh_from_db()
    return call_form


def form_ordered_questions(call_form):
    """Every question of the form in order, with its section loaded (one query)."""
    return list(
        Question.objects.filter(section__form=call_form)
        .select_related("section")
        .order_by("section__position", "section_id", "position", "pk")
    )


def form_problems(call_form):
    """Why an applicant could not complete this form, as French sentences ([] when fine)."""
    questions = form_ordered_questions(call_form)
    index = {question.key: number for number, question in enumerate(questions)}
    by_key = {question.key: question for question in questions}
    problems = []
    for number, question in enumerate(questions):
        problems.extend(_question_problems(question, number, index, by_key))
    return problems


def _question_problems(question, number, index, by_key):
    label = question.label
    choice_kinds = (QuestionKind.CHOICE, QuestionKind.MULTICHOICE)
    if question.kind in choice_kinds and len(question.options.get("choices") or []) < 2:
        yield _("« %(label)s » : proposez au moins deux réponses.") % {"label": label}
    if question.kind == QuestionKind.TABLE:
        columns = question.options.get("columns") or []
        if not columns:
            yield _("« %(label)s » : le tableau doit avoir au moins une colonne.") % {
                "label": label
            }
        if question.options.get("total_equals") and not any(
            column.get("kind") == "amount" for column in columns
        ):
            yield _(
                "« %(label)s » : un tableau dont le total est contrôlé doit avoir une colonne de "
                "montants."
            ) % {"label": label}
    if not question.condition_key:
        return
    target = by_key.get(question.condition_key)
    prefix = (
        _("La question obligatoire « %(label)s » ne pourrait jamais être remplie")
        if question.required
        else _("La question « %(label)s » ne serait jamais posée")
    ) % {"label": label}
    if target is None:
        yield _("%(prefix)s : elle dépend d'une question qui n'existe pas.") % {"prefix": prefix}
        return
    if target.pk == question.pk:
        yield _("%(prefix)s : elle dépend d'elle-même.") % {"prefix": prefix}
        return
    if index[target.key] > number:
        yield _(
            "%(prefix)s : elle dépend de « %(target)s », placée après elle. Placez « %(target)s » "
            "avant, ou changez la condition."
        ) % {"prefix": prefix, "target": target.label}
    if target.condition_key:
        yield _(
            "%(prefix)s : elle dépend de « %(target)s », qui est elle-même conditionnelle ; un "
            "seul niveau de condition est permis."
        ) % {"prefix": prefix, "target": target.label}
    if target.kind not in CONDITION_KINDS:
        yield _(
            "%(prefix)s : une condition ne peut porter que sur une question oui / non ou à choix."
        ) % {"prefix": prefix}
        return
    if question.condition_value not in condition_values(target):
        yield _(
            "%(prefix)s : « %(value)s » n'est pas l'une des réponses possibles de « %(target)s »."
        ) % {"prefix": prefix, "value": question.condition_value, "target": target.label}


def condition_values(question):
    """The values a condition on this question may name."""
    if question.kind == QuestionKind.YESNO:
        return ["true", "false"]
    return [str(value) for value, _label in question.options.get("choices") or []]


@contextmanager
def _editing(wave, version, user, *, structural):
    """Lock the form row, check version and lock, let the edit run, check, bump the version."""
    with transaction.atomic():
        form_get(wave)
        call_form = CallForm.objects.select_for_update().get(wave_id=wave.pk)
        if version is not None and int(version) != call_form.version:
            raise FormConflict
        if structural and call_form.is_locked:
            raise FormLocked
        yield call_form
        problems = form_problems(call_form)
        if problems:
            raise ValidationError(problems)
        call_form.version += 1
        call_form.updated_by = user if user is not None and user.is_authenticated else None
        call_form.save(update_fields=["version", "updated_by", "updated_at"])


def _unique_key(existing, text, fallback):
    base = slugify(text).replace("-", "_")[:KEY_MAX_LENGTH].strip("_") or fallback
    if base[0].isdigit():
        base = f"{fallback}_{base}"[:KEY_MAX_LENGTH]
    key, number = base, 2
    while key in existing or key in RESERVED_KEYS:
        suffix = f"_{number}"
        key = f"{base[: KEY_MAX_LENGTH - len(suffix)]}{suffix}"
        number += 1
    return key


def _renumber(items):
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


def _sections(call_form):
    return list(call_form.sections.order_by("position", "pk"))


def section_create(*, wave, version, user, title, introduction=""):
    """Add a section at the end of the form; returns it."""
    with _editing(wave, version, user, structural=True) as call_form:
        sections = _sections(call_form)
        section = Section.objects.create(
            form=call_form,
            key=_unique_key({s.key for s in sections}, title, "section"),
            position=len(sections) + 1,
            title=title,
            introduction=introduction,
        )
    return section


def section_update(*, section, version, user, **data):
    """Change a section's title or introduction (allowed on a locked form: wording)."""
    unknown = set(data) - set(SECTION_WORDING_FIELDS)
    if unknown:
        raise ValueError(f"Not a section field: {sorted(unknown)}")
    with _editing(section.form.wave, version, user, structural=False):
        for name, value in data.items():
            setattr(section, name, value)
        section.save(update_fields=list(data))
    return section


def section_delete(*, section, version, user):
    """Delete an empty section (its questions are moved or deleted first)."""
    with _editing(section.form.wave, version, user, structural=True):
        if section.questions.exists():
            raise ValidationError(
                _(
                    "La section « %(title)s » contient encore des questions : déplacez-les ou "
                    "supprimez-les d'abord."
                )
                % {"title": section.title}
            )
        call_form = section.form
        section.delete()
        _renumber(_sections(call_form))


def section_move(*, section, direction, version, user):
    """Move a section one step up or down."""
    with _editing(section.form.wave, version, user, structural=True) as call_form:
        sections = _sections(call_form)
        index = next(i for i, s in enumerate(sections) if s.pk == section.pk)
        other = index - 1 if direction == UP else index + 1
        if 0 <= other < len(sections):
            sections[index], sections[other] = sections[other], sections[index]
            _renumber(sections)


def question_create(*, section, version, user, key="", **data):
    """Add a question at the end of a section; its key comes from its label. Returns it."""
    if data.get("kind") not in EDITABLE_KINDS:
        raise ValidationError(_("Choisissez le type de la question."))
    with _editing(section.form.wave, version, user, structural=True) as call_form:
        existing = set(
            Question.objects.filter(section__form=call_form).values_list("key", flat=True)
        )
        last = section.questions.aggregate(last=Max("position"))["last"] or 0
        question = Question.objects.create(
            section=section,
            key=_unique_key(existing, key or data.get("label", ""), "question"),
            position=last + 1,
            **{name: value for name, value in data.items() if name in QUESTION_FIELDS},
        )
    return question


def question_kind_choices(question):
    """The kinds `question` may be given now, in the order of QuestionKind (its options not
    chosen yet: question_update checks them), and how many drafts answered it."""
    if question.is_builtin or question.section.form.is_locked:
        return [], 0
    call_form = question.section.form
    count = registry.answer_count(call_form.wave, question.key)
    dependants = _dependants(call_form, question)
    kinds = [
        kind
        for kind in EDITABLE_KINDS
        if kind != question.kind
        and _kind_change_problem(question, kind, None, count=count, dependants=dependants) is None
    ]
    return kinds, count


def question_kind_problem(question, kind):
    """Why `question` may not become `kind` (its options aside), in French; None if it may."""
    call_form = question.section.form
    return _kind_change_problem(
        question,
        kind,
        None,
        count=registry.answer_count(call_form.wave, question.key),
        dependants=_dependants(call_form, question),
    )


def _dependants(call_form, question):
    """The questions whose condition is on `question`'s answer."""
    return list(
        Question.objects.filter(section__form=call_form, condition_key=question.key).exclude(
            pk=question.pk
        )
    )


def _kind_change_problem(question, kind, options, *, count, dependants):
    """Why `question` may not become `kind` with `options` (None: not chosen yet), as a French
    sentence; None when it may. `count` drafts answered it; `dependants` have a condition on
    it."""
    new_label = QuestionKind(kind).label
    broken = [
        dependant
        for dependant in dependants
        if kind not in CONDITION_KINDS
        or (
            options is not None
            and dependant.condition_value
            not in condition_values(Question(kind=kind, options=options))
        )
    ]
    if broken:
        return _(
            "« %(label)s » ne peut pas devenir « %(kind)s » : la condition de « %(others)s » "
            "porte sur sa réponse. Changez d'abord cette condition."
        ) % {
            "label": question.label,
            "kind": new_label,
            "others": " », « ".join(dependant.label for dependant in broken),
        }
    if not count:
        return None
    if kind not in KIND_CHANGES_KEEPING_ANSWERS.get(question.kind, ()):
        return ngettext(
            "« %(label)s » ne peut pas devenir « %(kind)s » : %(count)s brouillon a déjà "
            "répondu à cette question et sa réponse ne serait plus valide.",
            "« %(label)s » ne peut pas devenir « %(kind)s » : %(count)s brouillons ont déjà "
            "répondu à cette question et leurs réponses ne seraient plus valides.",
            count,
        ) % {"label": question.label, "kind": new_label, "count": count}
    if options is None:
        return None
    old_limit = kind_for(question.kind).answer_max_length(question)
    if old_limit is not None:
        new_limit = kind_for(kind).answer_max_length(Question(kind=kind, options=options))
        if new_limit < old_limit:
            return ngettext(
                "« %(label)s » : %(count)s brouillon a déjà répondu à cette question ; "
                "permettez au moins %(limit)s caractères pour que sa réponse reste valide.",
                "« %(label)s » : %(count)s brouillons ont déjà répondu à cette question ; "
                "permettez au moins %(limit)s caractères pour que leurs réponses restent "
                "valides.",
                count,
            ) % {"label": question.label, "count": count, "limit": old_limit}
    if question.kind != QuestionKind.CHOICE:
        return None
    new_values = set(condition_values(Question(kind=kind, options=options)))
    lost = [
        label
        for value, label in kind_for(question.kind).choices(question)
        if value not in new_values
    ]
    if lost:
        return ngettext(
            "« %(label)s » : %(count)s brouillon a déjà répondu à cette question ; gardez les "
            "réponses proposées « %(choices)s » pour que sa réponse reste valide.",
            "« %(label)s » : %(count)s brouillons ont déjà répondu à cette question ; gardez "
            "les réponses proposées « %(choices)s » pour que leurs réponses restent valides.",
            count,
        ) % {"label": question.label, "count": count, "choices": " », « ".join(lost)}
    return None


def question_update(*, question, version, user, **data):
    """Change a question. Locked form or builtin question: only its wording (label, help text).

    Its kind may change too (the form unlocked, never a builtin question's): to any kind
    while no draft answered it; once drafts did, only to a kind under which their answers
    stay valid (KIND_CHANGES_KEEPING_ANSWERS, with the limits and choices that keep them);
    never so that a condition of another question on its answer can no longer be met.
    """
    unknown = set(data) - set(QUESTION_FIELDS)
    if unknown:
        raise ValueError(f"Not a question field: {sorted(unknown)}")
    changed = {name for name, value in data.items() if getattr(question, name) != value}
    structural = bool(changed - set(QUESTION_WORDING_FIELDS))
    if structural and question.is_builtin:
        raise ValidationError(
            _("Seuls le libellé et le texte d'aide d'un champ du portail peuvent changer.")
        )
    if "kind" in changed and data["kind"] not in EDITABLE_KINDS:
        raise ValidationError(_("Choisissez le type de la question."))
    with _editing(question.section.form.wave, version, user, structural=structural) as call_form:
        if "kind" in changed:
            problem = _kind_change_problem(
                question,
                data["kind"],
                data.get("options", question.options) or {},
                count=registry.answer_count(call_form.wave, question.key),
                dependants=_dependants(call_form, question),
            )
            if problem:
                raise ValidationError(problem)
        for name in changed:
            setattr(question, name, data[name])
        if changed:
            question.save(update_fields=sorted(changed))
    return question


def question_delete(*, question, version, user):
    """Delete a question (never a builtin one) and tell the apps above to drop its answers."""
    if question.is_builtin:
        raise ValidationError(_("Un champ du portail ne peut pas être supprimé."))
    wave = question.section.form.wave
    with _editing(wave, version, user, structural=True) as call_form:
        dependants = Question.objects.filter(
            section__form=call_form, condition_key=question.key
        ).exclude(pk=question.pk)
        labels = [dependant.label for dependant in dependants]
        if labels:
            raise ValidationError(
                _(
                    "« %(label)s » ne peut pas être supprimée : la condition de « %(others)s » "
                    "porte sur elle."
                )
                % {"label": question.label, "others": " », « ".join(labels)}
            )
        key, section = question.key, question.section
        question.delete()
        _renumber(list(section.questions.order_by("position", "pk")))
        question_deleted.send(sender=Question, wave=wave, key=key)


def question_move(*, question, direction, version, user):
    """Move a question one step up or down; past its section's edge it enters the next one."""
    with _editing(question.section.form.wave, version, user, structural=True) as call_form:
        sections = _sections(call_form)
        section_index = next(i for i, s in enumerate(sections) if s.pk == question.section_id)
        siblings = list(question.section.questions.order_by("position", "pk"))
        index = next(i for i, q in enumerate(siblings) if q.pk == question.pk)
        other = index - 1 if direction == UP else index + 1
        if 0 <= other < len(siblings):
            siblings[index], siblings[other] = siblings[other], siblings[index]
            _renumber(siblings)
            return
        target_index = section_index - 1 if direction == UP else section_index + 1
        if not 0 <= target_index < len(sections):
            return
        target = sections[target_index]
        target_questions = list(target.questions.order_by("position", "pk"))
        siblings.pop(index)
        if direction == UP:
            target_questions.append(question)
        else:
            target_questions.insert(0, question)
        question.section = target
        question.save(update_fields=["section"])
        _renumber(target_questions)
        _renumber(siblings)
