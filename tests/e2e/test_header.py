"""The header is one line from 1024 px up for every role, with the links of the role
(issue 11, defect 11); on a phone it collapses behind its menu button."""

import os
from pathlib import Path

import pytest

from label.enums import Role
from tests.factories import UserFactory

ROLES = {
    "porteur": ([Role.APPLICANT], {"Candidater", "Mon espace"}, set()),
    "instruction": (
        [Role.APPLICANT, Role.INSTRUCTION],
        {"Instruction"},
        {"Candidater", "Mon espace"},
    ),
    "evaluateur": ([Role.APPLICANT, Role.REVIEWER], {"Évaluations"}, {"Candidater"}),
    "jury": ([Role.APPLICANT, Role.JURY], {"Jury"}, {"Candidater"}),
}
# Screenshots for a person to look at, when asked: HEADER_SCREENSHOTS=/tmp/header.
SHOTS = os.environ.get("HEADER_SCREENSHOTS")


def _tops(page):
    """The distinct vertical positions of the header's links, buttons and fields."""
    return page.evaluate(
        """() => [...new Set([...document.querySelectorAll(
            '.portal-header .nav-item, .portal-header .navbar-brand')]
            .filter(e => e.offsetHeight > 0)
            .map(e => Math.round(e.getBoundingClientRect().top + e.offsetHeight / 2)))]"""
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", list(ROLES))
def test_header_is_one_line_with_the_links_of_the_role(who, page, browser_login):
    role_list, shown, hidden = ROLES[who]
    user = UserFactory(roles=role_list, full_name="Dominique Lefebvre-Desmarets")
    browser_login(page.context, user)

    for width in (1024, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto("/projets/")
        links = set(page.locator(".portal-header .nav-link").all_inner_texts())
        tops = _tops(page)
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(
                path=f"{SHOTS}/{who}-{width}.png",
                clip={"x": 0, "y": 0, "width": width, "height": 160},
            )
        # Every item's middle within a few pixels: one line, however the items are aligned.
        assert max(tops) - min(tops) <= 12, (who, width, tops)
        # ... and nothing pushed past the right edge.
        right = page.evaluate(
            "() => Math.max(...[...document.querySelectorAll('.portal-header .nav-item')]"
            ".map(e => e.getBoundingClientRect().right))"
        )
        assert right <= width, (who, width, right)
        assert shown <= {link.strip() for link in links}, (who, links)
        assert not hidden & {link.strip() for link in links}, (who, links)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/projets/")
    if SHOTS:
        page.screenshot(
            path=f"{SHOTS}/{who}-390.png", clip={"x": 0, "y": 0, "width": 390, "height": 500}
        )
    assert page.locator(".navbar-toggler").is_visible()
    assert not page.locator("#menu-principal").is_visible()
