"""The answers of a dossier as its wave's form declares them, for every page that reads them.

The staff's, reviewers' and jury's read-only dossier, the receipt and dossier PDFs and the
personal-data export all show the answers through these functions, in the order of the wave's
form and per its visibility: none of them writes the list of questions again.
"""

from dataclasses import dataclass, field

from callforms.declaration import form_for
from callforms.enums import QuestionKind, TableColumnKind
from callforms.kinds import format_euros, kind_for, yes_no


def wave_form(wave):
    """The declaration of the wave's form, kept on the wave object for the request: a page
    that labels several documents or answers reads it once."""
    spec = getattr(wave, "_form_spec", None)
    if spec is None:
        spec = form_for(wave)
        wave._form_spec = spec
    return spec


@dataclass
class AnswerRow:
    """One answered (or unanswered) question as a page shows it."""

    question: object
    text: str
    columns: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    total: object = None
    total_before: int = 1
    total_after: int = 0

    @property
    def is_table(self):
        return self.question.kind == QuestionKind.TABLE

    @property
    def is_empty(self):
        return not self.text


def _cell(column, value):
    kind = column.get("kind", TableColumnKind.TEXT)
    if kind == TableColumnKind.AMOUNT:
        return format_euros(value)
    if kind == TableColumnKind.YESNO:
        return str(yes_no(value))
    return str(value or "")


def answer_row(question, answers):
    """The row of one question: its displayed answer, and for a table its cells and total."""
    value = (answers or {}).get(question.key)
    row = AnswerRow(question=question, text=question.display(value) if value is not None else "")
    if question.kind == QuestionKind.TABLE and value:
        columns = list(question.options.get("columns") or [])
        row.columns = columns
        row.rows = [
            [
                {
                    "text": _cell(column, line.get(column["key"])),
                    "is_amount": column.get("kind") == TableColumnKind.AMOUNT,
                }
                for column in columns
            ]
            for line in value
        ]
        amounts = [i for i, c in enumerate(columns) if c.get("kind") == TableColumnKind.AMOUNT]
        if amounts:
            row.total = kind_for(question.kind).total(question, value)
            # The total goes under the (first) amount column: cells before and after it.
            row.total_before = max(amounts[0], 1)
            row.total_after = len(columns) - amounts[0] - 1
    return row


def answer_sections(application, audience, *, spec=None):
    """The answers stored in `answers` that `audience` reads ("staff", "reviewer", "jury",
    "public"), by section of the form: [{"section", "rows"}], questions a condition hides
    left out, sections without such questions left out."""
    spec = spec or wave_form(application.wave)
    answers = application.answers or {}
    sections = []
    for section in spec.sections:
        rows = [
            answer_row(question, answers)
            for question in section.questions
            if not question.is_builtin
            and not question.is_file
            and question.is_visible_to(audience)
            and question.is_shown(answers)
        ]
        if rows:
            sections.append({"section": section, "rows": rows})
    return sections


def answers_by_criterion(application, audience, *, spec=None):
    """For the review form: {criterion code: [AnswerRow]} of the answers tied to it."""
    spec = spec or wave_form(application.wave)
    answers = application.answers or {}
    by_code = {}
    for question in spec.answer_questions():
        if not question.criteria_codes or not question.is_visible_to(audience):
            continue
        if not question.is_shown(answers):
            continue
        row = answer_row(question, answers)
        for code in question.criteria_codes:
            by_code.setdefault(code, []).append(row)
    return by_code


def file_label(application, kind):
    """The label of the file question a document answers (its key if the form has none)."""
    question = wave_form(application.wave).question(kind)
    return question.label if question is not None else kind


def answers_anonymised(application, *, spec=None):
    """What retention keeps of the answers: each question's anonymised value (its kind says
    what is personal), the answers to questions the form no longer has dropped."""
    spec = spec or wave_form(application.wave)
    kept = {}
    for key, value in (application.answers or {}).items():
        question = spec.question(key)
        if question is None or question.is_builtin or question.is_file:
            continue
        anonymised = question.anonymised(value)
        if anonymised is not None:
            kept[key] = anonymised
    return kept


def answers_export(application, *, spec=None):
    """The answers for the personal-data export: one entry per answered question, in form
    order, with its label, the stored value and the text the portal shows."""
    spec = spec or wave_form(application.wave)
    answers = application.answers or {}
    exported = []
    for question in spec.answer_questions():
        if question.key not in answers:
            continue
        value = answers[question.key]
        exported.append(
            {
                "question": question.label,
                "key": question.key,
                "value": value,
                "display": question.display(value),
            }
        )
    known = {entry["key"] for entry in exported}
    # Answers kept under a key the form no longer asks are the person's data all the same.
    exported.extend(
        {"question": key, "key": key, "value": value, "display": str(value)}
        for key, value in answers.items()
        if key not in known
    )
    return exported


def public_text(application, *, spec=None):
    """The answers the wave's form lets the public read (beside the builtin title, summary,
    communes and themes), as the catalogue's description: one answer alone as it is, several
    each under its question."""
    sections = answer_sections(application, "public", spec=spec)
    rows = [row for block in sections for row in block["rows"] if not row.is_empty]
    if len(rows) == 1:
        return rows[0].text
    return "\n\n".join(f"**{row.question.label}**\n\n{row.text}" for row in rows)
