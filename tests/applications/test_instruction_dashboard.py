"""The staff dashboard /instruction/: counts, filters, search, sorting, pagination, queries."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from applications.enums import ApplicationState as S
from applications.models import Application
from applications.selectors import application_list_for_staff, application_state_counts
from label.models import Commune
from label.text import search_normalise
from tests.conftest import login
from tests.factories import ApplicationFactory, WaveFactory
from tests.factories.applications import COMPLETE_ANSWERS

URL = reverse("applications:instruction_home")
LENS, HENIN, BETHUNE = "62498", "62427", "62119"


def staff_application(
    wave, *, state=S.SUBMITTED, number=None, communes=(LENS,), answers=None, **fields
):
    """A complete application of a wave in a state, with a reference and the given communes;
    `answers` are written over those of a complete dossier (by question key)."""
    if answers:
        fields["answers"] = {**COMPLETE_ANSWERS, **answers}
    application = ApplicationFactory(complete=True, wave=wave, **fields)
    application.communes.set(Commune.objects.filter(insee_code__in=communes))
    if number is not None:
        application.reference_number = number
        application.reference = f"{wave.short_code}-{number:04d}"
        application.save(update_fields=["reference", "reference_number"])
    Application.objects.filter(pk=application.pk).update(state=state)
    return Application.objects.get(pk=application.pk)


def table_titles(response):
    """The project titles of the table, in the order shown."""
    return [application.title for application in response.context["page"].object_list]


@pytest.fixture
def staff_client(client, instruction_user):
    return login(client, instruction_user)


def test_search_normalise_drops_accents_case_and_ligatures():
    assert search_normalise("  Écoquartier de BÉTHUNE  ") == "ecoquartier de bethune"
    # Apostrophes of every typography become spaces: « d’art » and « d'art » find each other.
    assert search_normalise("Œuvre d’art") == search_normalise("oeuvre d'art") == "oeuvre d art"
    assert search_normalise(None) == ""


def test_search_text_follows_title_holder_and_reference(open_wave):
    application = staff_application(open_wave, title="Forêt urbaine", holder_name="Mairie")

    application.title = "Écoquartier"
    application.save(update_fields=["title"])

    stored = Application.objects.get(pk=application.pk).search_text
    assert "ecoquartier" in stored
    assert "foret" not in stored
    assert "mairie" in stored


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("bethune", {"Jardins de Béthune"}),
        ("BÉTHUNE", {"Jardins de Béthune"}),
        ("eco", {"Écoquartier des Provinces"}),
        ("ÉCOQUARTIER provinces", {"Écoquartier des Provinces"}),
        ("el11-0002", {"Écoquartier des Provinces"}),
        ("association lievin", {"Ressourcerie"}),
        ("introuvable", set()),
    ],
)
def test_dashboard_search_ignores_accents_and_case(staff_client, open_wave, query, expected):
    staff_application(open_wave, number=1, title="Jardins de Béthune", holder_name="Ville")
    staff_application(open_wave, number=2, title="Écoquartier des Provinces", holder_name="SIA")
    staff_application(
        open_wave, number=3, title="Ressourcerie", holder_name="Association de Liévin"
    )

    response = staff_client.get(URL, {"q": query})

    assert set(table_titles(response)) == expected


def test_dashboard_filters_by_state_theme_holder_type_and_stage(staff_client, open_wave):
    staff_application(
        open_wave,
        title="A",
        themes=["energie"],
        holder_type="collectivite",
        answers={"stage": "completed"},
    )
    staff_application(
        open_wave, title="B", themes=["energie", "mobilites"], holder_type="association"
    )
    staff_application(open_wave, title="C", themes=["culture"], state=S.ELIGIBLE)

    assert set(table_titles(staff_client.get(URL, {"theme": "energie"}))) == {"A", "B"}
    assert set(table_titles(staff_client.get(URL, {"theme": "mobilites"}))) == {"B"}
    assert table_titles(staff_client.get(URL, {"holder_type": "collectivite"})) == ["A"]
    assert table_titles(staff_client.get(URL, {"stage": "completed"})) == ["A"]
    assert table_titles(staff_client.get(URL, {"state": S.ELIGIBLE})) == ["C"]
    assert set(table_titles(staff_client.get(URL, {"state": S.SUBMITTED}))) == {"A", "B"}
    combined = staff_client.get(URL, {"theme": "energie", "holder_type": "association"})
    assert table_titles(combined) == ["B"]


def test_dashboard_filters_by_agglomeration_and_commune(staff_client, open_wave):
    staff_application(open_wave, title="Lens", communes=[LENS])
    staff_application(open_wave, title="Hénin", communes=[HENIN])
    staff_application(open_wave, title="Lens et Béthune", communes=[LENS, BETHUNE])
    staff_application(open_wave, title="Partout", communes=[], territory_wide=True)
    bethune = Commune.objects.get(insee_code=BETHUNE)

    assert set(table_titles(staff_client.get(URL, {"agglomeration": "CALL"}))) == {
        "Lens",
        "Lens et Béthune",
    }
    assert table_titles(staff_client.get(URL, {"agglomeration": "CAHC"})) == ["Hénin"]
    assert table_titles(staff_client.get(URL, {"agglomeration": "PMA"})) == ["Partout"]
    assert table_titles(staff_client.get(URL, {"commune": bethune.pk})) == ["Lens et Béthune"]


def test_dashboard_ignores_unknown_filter_values(staff_client, open_wave):
    staff_application(open_wave, title="A")
    staff_application(open_wave, title="B", state=S.ELIGIBLE)

    response = staff_client.get(
        URL,
        {
            "state": "nonsense",
            "theme": "<script>",
            "commune": "999999",
            "agglomeration": "X",
            "sort": "password",
            "page": "abc",
            "wave": "999",
        },
    )

    assert response.status_code == 200
    assert set(table_titles(response)) == {"A", "B"}
    assert response.context["wave"] == open_wave


def test_dashboard_shows_the_latest_wave_by_default_and_the_chosen_one(staff_client, open_wave):
    from datetime import timedelta

    previous = WaveFactory(
        number=10,
        opens_at=open_wave.opens_at - timedelta(days=400),
        closes_at=open_wave.opens_at - timedelta(days=300),
    )
    staff_application(open_wave, title="Onzième")
    staff_application(previous, title="Dixième")

    assert table_titles(staff_client.get(URL)) == ["Onzième"]
    assert table_titles(staff_client.get(URL, {"wave": "10"})) == ["Dixième"]


def test_dashboard_counts_each_state_and_links_to_the_filtered_table(staff_client, open_wave):
    for _ in range(3):
        staff_application(open_wave, state=S.SUBMITTED)
    staff_application(open_wave, state=S.ELIGIBLE)
    staff_application(WaveFactory(number=12), state=S.SUBMITTED)  # another wave: not counted

    response = staff_client.get(URL, {"wave": "11"})

    counts = dict(response.context["counts"])
    assert counts[S.SUBMITTED] == 3
    assert counts[S.ELIGIBLE] == 1
    assert counts[S.DRAFT] == 0
    assert response.context["total"] == 4
    assert f'href="?wave=11&amp;state={S.SUBMITTED.value}"' in response.content.decode()


def test_state_counts_cover_every_state_in_order(open_wave):
    staff_application(open_wave, state=S.IN_REVIEW)

    counts = application_state_counts(open_wave)

    assert [state for state, _count in counts] == list(S)
    assert sum(count for _state, count in counts) == 1


def test_dashboard_sorts_by_column_with_aria_sort(staff_client, open_wave):
    staff_application(open_wave, number=2, title="Bravo", total_cost=Decimal("300"))
    staff_application(open_wave, number=1, title="Charlie", total_cost=Decimal("100"))
    staff_application(open_wave, number=3, title="Alpha", total_cost=Decimal("200"))

    assert table_titles(staff_client.get(URL)) == ["Charlie", "Bravo", "Alpha"]
    assert table_titles(staff_client.get(URL, {"sort": "title"})) == ["Alpha", "Bravo", "Charlie"]
    by_title_desc = staff_client.get(URL, {"sort": "-title"})
    assert table_titles(by_title_desc) == ["Charlie", "Bravo", "Alpha"]
    assert table_titles(staff_client.get(URL, {"sort": "cost"})) == ["Charlie", "Alpha", "Bravo"]

    html = by_title_desc.content.decode()
    header = re.search(r'<th scope="col" aria-sort="descending"><a href="([^"]+)">Projet</a>', html)
    assert header, "the sorted column carries aria-sort"
    assert "sort=title" in header.group(1)  # a second click sorts ascending
    assert html.count("aria-sort=") == 1


def test_dashboard_paginates_and_keeps_the_filters(staff_client, open_wave):
    for number in range(1, 28):
        staff_application(open_wave, number=number, themes=["energie"], title=f"Projet {number}")
    staff_application(open_wave, number=99, themes=["culture"], title="Autre")

    first = staff_client.get(URL, {"theme": "energie"})
    second = staff_client.get(URL, {"theme": "energie", "page": "2"})

    assert len(table_titles(first)) == 25
    assert table_titles(second) == ["Projet 26", "Projet 27"]
    assert first.context["page"].paginator.count == 27
    assert 'href="?theme=energie&amp;page=2"' in first.content.decode()


def test_dashboard_without_any_wave_says_so(staff_client):
    response = staff_client.get(URL)

    assert response.status_code == 200
    assert "Aucune vague" in response.content.decode()


def test_selector_accepts_a_commune_instance(open_wave):
    wanted = staff_application(open_wave, communes=[BETHUNE])
    staff_application(open_wave, communes=[LENS])

    found = application_list_for_staff(
        open_wave, {"commune": Commune.objects.get(insee_code=BETHUNE)}
    )

    assert list(found) == [wanted]


@pytest.mark.parametrize("count", [3, 50])
def test_dashboard_query_count_does_not_grow(
    staff_client, open_wave, django_assert_num_queries, count
):
    for number in range(1, count + 1):
        staff_application(open_wave, number=number, communes=[LENS, BETHUNE])
    staff_client.get(URL)  # warm the session and the permission caches

    # session, user, roles, waves, page count, the to-do's six lines (one query each),
    # state counts, communes of the filter select, page rows, their communes, and the
    # wave's form, read once (the stage column).
    with django_assert_num_queries(16):
        response = staff_client.get(URL, {"q": "jardins", "agglomeration": "CALL", "commune": ""})

    assert len(table_titles(response)) == min(count, 25)


def test_dashboard_links_to_every_page_that_steers_the_wave(staff_client, open_wave):
    page = staff_client.get(reverse("applications:instruction_home")).content.decode()

    for name in ("criteria_grid", "committees", "assignments", "ranking", "announce"):
        assert reverse(f"reviews:{name}", args=[open_wave.pk]) in page
    assert reverse("certificates:wave_zip", args=[open_wave.pk]) in page
    assert reverse("label:wave_update", args=[open_wave.pk]) in page


def test_the_stage_filter_offers_the_choices_of_the_waves_question(staff_client, open_wave):
    from callforms.declaration import form_for
    from callforms.models import CallForm, Question

    form_for(open_wave)
    Question.objects.filter(section__form__wave=open_wave, key="stage").update(
        label="Avancement du projet",
        options={"choices": [["idee", "Idée"], ["chantier", "En chantier"]]},
    )
    call_form = CallForm.objects.get(wave=open_wave)
    call_form.version += 1
    call_form.save()

    html = staff_client.get(URL).content.decode()

    assert "Avancement du projet" in html
    assert '<option value="chantier">En chantier</option>' in html
    assert "En cours de réalisation" not in html
