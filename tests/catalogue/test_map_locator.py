"""The territory's locator maps: one geometry in label/, the dossier editor's live locator."""

import re

import pytest
from django.urls import reverse

from applications.models import Application
from catalogue import map as catalogue_map
from label import territory_map
from label.models import Commune
from tests.conftest import login
from tests.factories import ApplicationFactory

LIEVIN, LENS = "62510", "62498"


def lit_codes(html):
    """INSEE codes of the communes drawn lit on the dossier's locator."""
    return set(re.findall(r'<path class="locator-land locator-lit" data-insee="(\w+)"', html))


def test_the_catalogue_draws_with_the_geometry_of_label():
    # One geometry for every map: the public map, the project pages and the dossier editor.
    assert catalogue_map.territory is territory_map.territory
    assert catalogue_map.locator_svg is territory_map.locator_svg
    assert len(territory_map.territory().communes) == 150


def test_small_maps_draw_the_same_communes_in_whole_units_and_relative_moves():
    land = territory_map.territory()
    paths, borders = territory_map.compact_outlines()

    assert set(paths) == {shape.insee_code for shape in land.communes}
    assert all(
        re.fullmatch(r"(M\d+ \d+(l-?\d+( |(?=-))-?\d+)+z)+", path) for path in paths.values()
    )
    assert borders.startswith("M") and "z" not in borders  # open runs, not rings
    full = sum(len(shape.path) for shape in land.communes) + len(land.borders)
    assert sum(map(len, paths.values())) + len(borders) < full / 2
    # Lens starts where the full drawing starts it, rounded to the unit.
    lens = land.by_code[LENS]
    x, y = (float(value) for value in re.match(r"M([\d.]+) ([\d.]+)", lens.path).groups())
    assert paths[LENS].startswith(f"M{round(x)} {round(y)}")


def test_the_live_locator_has_a_path_per_commune_and_lights_the_chosen_ones():
    svg = territory_map.locator_svg_by_commune([LIEVIN, LENS])

    assert svg.count("data-insee=") == 150
    assert lit_codes(svg) == {LIEVIN, LENS}
    assert 'aria-hidden="true"' in svg and 'focusable="false"' in svg
    assert "style=" not in svg  # the page's content-security policy refuses inline styles


def test_the_live_locator_lights_every_commune_for_the_whole_territory():
    svg = territory_map.locator_svg_by_commune([], all_lit=True)

    assert len(lit_codes(svg)) == 150


@pytest.mark.django_db
class TestDossierLocator:
    @pytest.fixture
    def application(self, applicant, open_wave):
        application = ApplicationFactory(owner=applicant, wave=open_wave)
        application.communes.set(Commune.objects.filter(insee_code__in=[LIEVIN, LENS]))
        return application

    def page(self, client, applicant, application):
        login(client, applicant)
        url = reverse("applications:dossier", kwargs={"pk": application.pk, "section": "projet"})
        response = client.get(url)
        assert response.status_code == 200
        return response.content.decode()

    def test_the_project_section_shows_the_chosen_communes_beside_the_picker(
        self, client, applicant, application
    ):
        html = self.page(client, applicant, application)

        locator = html[html.index("data-commune-locator") :]
        assert lit_codes(locator) == {LIEVIN, LENS}
        # Decorative beside the list (whose count speaks), hidden on phones.
        assert re.search(r'<div class="col-md-4 d-none d-sm-block">', html)
        assert '<svg class="locator-map locator-map-live"' in html
        assert 'aria-hidden="true" focusable="false"' in html
        assert "js/commune-locator.js" in html
        assert "css/territory-locator.css" in html
        assert "<script>" not in locator  # no inline script under the CSP
        assert "Fond de carte : IGN, Admin Express." in locator  # the credit, in the caption

    def test_the_whole_territory_lights_every_commune(self, client, applicant, application):
        application.communes.clear()
        Application.objects.filter(pk=application.pk).update(territory_wide=True)

        html = self.page(client, applicant, application)

        assert len(lit_codes(html)) == 150
