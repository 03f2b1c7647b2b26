"""The applicant's page of a decided file: the decision first, plainly; state badges whose
colour matches their meaning, always with their text (issue 11, defect 14)."""

import html
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from applications.enums import ApplicationState as S
from applications.models import Application
from label.enums import Award
from tests.conftest import login
from tests.factories import ApplicationFactory

# The meaning of each state, as the badge's Bootstrap colour says it.
EXPECTED_COLOURS = {
    S.DRAFT: "text-bg-secondary",
    S.SUBMITTED: "text-bg-primary",
    S.CHANGES_REQUESTED: "text-bg-warning",
    S.INELIGIBLE: "text-bg-danger",
    S.ELIGIBLE: "text-bg-primary",
    S.NOT_SELECTED: "text-bg-danger",
    S.IN_REVIEW: "text-bg-primary",
    S.DELIBERATION: "text-bg-primary",
    S.LABELLED: "text-bg-success",
    S.DEFERRED: "text-bg-info",
    S.REFUSED: "text-bg-danger",
    S.WITHDRAWN: "text-bg-secondary",
    S.REVOKED: "text-bg-danger",
}


def _decided(state, owner, **fields):
    application = ApplicationFactory(complete=True, owner=owner)
    Application.objects.filter(pk=application.pk).update(
        state=state, announced_at=timezone.now(), **fields
    )
    return Application.objects.get(pk=application.pk)


def _page(client, applicant, application):
    response = login(client, applicant).get(
        reverse("applications:detail", kwargs={"pk": application.pk})
    )
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("state", list(S))
def test_state_badge_has_the_colour_of_its_meaning_and_its_text(state):
    application = Application(state=state)

    badge = render_to_string("applications/_state_badge.html", {"application": application})

    classes = re.search(r'class="([^"]+)"', badge).group(1).split()
    assert EXPECTED_COLOURS[state] in classes
    assert len([c for c in classes if c.startswith("text-bg-")]) == 1
    assert str(state.label) in html.unescape(badge)


@pytest.mark.django_db
def test_decision_page_puts_the_decision_first_without_a_next_step(client, applicant):
    application = _decided(
        S.LABELLED,
        applicant,
        award=Award.LABEL,
        closing_motivation="Le jury salue un projet exemplaire.",
    )

    content = _page(client, applicant, application)

    main = content[content.index("<h1") :]
    decision = main.index("Décision du jury")
    assert decision < main.index(">État<")
    assert decision < main.index("Votre dossier")
    assert "Prochaine étape" not in main
    assert "Lire la décision du jury" not in main
    assert "alert-secondary" not in main
    section = main[decision : main.index("</section>", decision)]
    assert "text-bg-success" in section
    assert "Labellisée" in section
    assert "Le jury salue un projet exemplaire." in section


@pytest.mark.django_db
def test_refused_decision_shows_a_red_badge_with_its_text_and_the_motivation(client, applicant):
    application = _decided(S.REFUSED, applicant, closing_motivation="Projet trop éloigné.")

    content = _page(client, applicant, application)

    section = content[content.index("Décision du jury") :]
    section = section[: section.index("</section>")]
    assert re.search(r'text-bg-danger[^"]*">Non retenue<', section)
    assert "Projet trop éloigné." in section


@pytest.mark.django_db
def test_undecided_file_keeps_its_next_step(client, applicant):
    application = ApplicationFactory(complete=True, owner=applicant)
    Application.objects.filter(pk=application.pk).update(state=S.IN_REVIEW)

    content = _page(client, applicant, application)

    assert "Prochaine étape" in content
    assert "Décision du jury" not in content
    assert re.search(r'text-bg-primary[^"]*">En instruction<', content)
