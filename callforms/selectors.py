"""Reading a wave's form for the builder's pages (rows with their ids, in few queries)."""

from callforms.models import Question


def form_rows(call_form):
    """The sections of the form in order, each with `.rows`: its questions in order.

    Two queries whatever the number of questions (the editor must not grow with the form).
    """
    sections = list(call_form.sections.order_by("position", "pk"))
    by_section = {section.pk: section for section in sections}
    for section in sections:
        section.rows = []
    questions = Question.objects.filter(section__form=call_form).order_by(
        "section_id", "position", "pk"
    )
    for question in questions:
        question.section = by_section[question.section_id]
        by_section[question.section_id].rows.append(question)
    return sections
