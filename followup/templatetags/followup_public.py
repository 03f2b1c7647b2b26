"""What the public project page shows of the follow-up, without the catalogue importing it.

The catalogue's template loads this library: the catalogue's code stays unaware of the
follow-up (imports go one way), and an entry that never came from an application (the
historical catalogue) costs no query.
"""

from django import template

from followup import selectors

register = template.Library()


@register.inclusion_tag("followup/_public_facts.html")
def followup_public_facts(entry):
    """The convention's status among the facts of a project page: « convention en cours »."""
    application_id = getattr(entry, "source_application_id", None)
    if not application_id:
        return {"show": False}
    return {"show": True, "signed": selectors.convention_is_signed(application_id)}


@register.inclusion_tag("followup/_public_sections.html")
def followup_public_sections(entry):
    """The jury's « atouts » and the approved news of a project, below its description."""
    application_id = getattr(entry, "source_application_id", None)
    if not application_id:
        return {"show": False}
    return {"show": True, **selectors.public_followup_for_application(application_id)}
