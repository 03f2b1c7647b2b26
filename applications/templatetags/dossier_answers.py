"""Template tags that show a dossier's answers as its wave's form declares them, for the
pages of other apps (reviews, jury) as well as this one's."""

from django import template

from applications.answers import answer_sections, answers_by_criterion

register = template.Library()


@register.simple_tag
def dossier_answer_sections(application, audience):
    """The answers `audience` reads, by section: {% dossier_answer_sections a "jury" as s %}."""
    return answer_sections(application, audience)


@register.simple_tag
def criterion_answers(application, audience, code):
    """The answers tied to one criterion of the grid (criteria_codes), for the review form."""
    return answers_by_criterion(application, audience).get(code, [])


@register.filter
def answer_text(application, question):
    """The displayed answer of one question: {{ application|answer_text:question }}."""
    if question is None:
        return ""
    return question.display((application.answers or {}).get(question.key))
