"""Every list of names is in French order (issue 11, defect 15): one key, label/text.py."""

import re

import pytest
from django.urls import reverse

from applications.forms_instruction import StaffApplicationFilterForm
from label.models import Commune
from label.text import french_sort_key
from tests.factories.catalogue import CatalogueEntryFactory


def test_french_sort_key_orders_accents_among_their_letters():
    names = ["Éleu-dit-Leauwette", "Billy-Berclau", "Estevelles", "Béthune", "Ecquedecques", "Ames"]

    ordered = sorted(names, key=french_sort_key)

    assert ordered == [
        "Ames",
        "Béthune",
        "Billy-Berclau",
        "Ecquedecques",
        "Éleu-dit-Leauwette",
        "Estevelles",
    ]


def _options(html, select_id):
    select = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [label.strip() for label in re.findall(r"<option[^>]*>([^<]*)</option>", select)]


@pytest.mark.django_db
def test_catalogue_filters_french_order_and_one_whole_territory(client):
    CatalogueEntryFactory(communes=["62132", "62119", "62291", "62311"])

    html = client.get(reverse("catalogue:list")).content.decode()

    communes = _options(html, "id_commune")[1:]
    assert communes == ["Béthune", "Billy-Berclau", "Éleu-dit-Leauwette", "Estevelles"]
    agglomerations = _options(html, "id_agglomeration")
    assert sum(label.startswith("Tout le territoire") for label in agglomerations) == 1


@pytest.mark.django_db
def test_staff_commune_filter_is_in_french_order():
    form = StaffApplicationFilterForm()

    names = [label for value, label in form.fields["commune"].choices if value]

    assert names == sorted(Commune.objects.values_list("name", flat=True), key=french_sort_key)
    assert names.index("Béthune") < names.index("Billy-Berclau")
    assert names.index("Ecquedecques") < names.index("Éleu-dit-Leauwette")
