"""Public catalogue pages: list with filters, search, sorting and pages; project page."""

import json
import re
from html import unescape
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from catalogue.services import CATALOGUE_CSV, catalogue_import
from catalogue.views.public import CATALOGUE_PAGE_SIZE
from label.enums import Agglomeration, Award
from tests.factories import CatalogueEntryFactory
from tests.factories.catalogue import catalogue_entries_bulk

pytestmark = pytest.mark.django_db

LIST_URL = "/projets/"
PARC = "Parc des Îles"


def card_names(response):
    """The project names of the cards, in page order."""
    html = response.content.decode()
    pattern = r'<h3 class="h5 card-title"><a class="stretched-link" href="[^"]+">([^<]+)</a>'
    return [unescape(name) for name in re.findall(pattern, html)]


@pytest.fixture
def history(db):
    report = catalogue_import(source=CATALOGUE_CSV)
    assert report.ok
    return report


def test_list_shows_published_cards_with_their_facts(client):
    CatalogueEntryFactory(
        name="Forêt urbaine",
        year=2022,
        award=Award.ESPOIRS,
        communes=["62498"],
        themes=["nature", "amenagement"],
    )

    response = client.get(LIST_URL)

    body = response.content.decode()
    assert response.status_code == 200
    assert card_names(response) == ["Forêt urbaine"]
    assert "Label Espoirs" in body and "2022" in body and "Lens" in body
    assert "Paysage, nature et biodiversité" in body and "Aménagement et urbanisme" in body
    assert body.count("<h1") == 1
    assert "<script>" not in body and " style=" not in body


def test_list_hides_unpublished_and_synthetic_entries(client):
    CatalogueEntryFactory(name="Visible")
    CatalogueEntryFactory(name="Brouillon", is_published=False)
    CatalogueEntryFactory(name="Donnée de test", is_synthetic=True)

    response = client.get(LIST_URL)

    assert card_names(response) == ["Visible"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "theme=nature",
            {
                "Forêt urbaine de Lens",
                "Parc des Îles",
                "Chaîne des parcs",
                "Parc des Berges de la Souchez",
                "Aménagements d'accès et de desserte du Louvre-Lens",
            },
        ),
        (
            "agglomeration=PMA",
            {"Chaîne des parcs", "Comité Grand Artois", "Parc des Berges de la Souchez"},
        ),
        # A project over several agglomerations appears under each one of its communes.
        (
            "agglomeration=CAHC&theme=nature",
            {"Parc des Îles", "Parc des Berges de la Souchez"},
        ),
        (
            "agglomeration=CALL&theme=loisirs",
            {"Parc des Berges de la Souchez"},
        ),
        ("commune=62274", {"Cité Bruno", "Euralogistic"}),
        ("year=2022", {"Forêt urbaine de Lens", "Mine de Soleil", "Cuisine centrale de Liévin"}),
        ("award=espoirs", {"Pôle Territorial de Coopération Économique Hénin-Carvin"}),
        ("wave=10&agglomeration=CALL", {"Rénovation accompagnée de la Cité d'Orient"}),
        ("theme=habitat&agglomeration=CAHC", {"Cité Bruno"}),
    ],
)
def test_list_filters_combine(client, history, query, expected):
    response = client.get(f"{LIST_URL}?{query}")

    assert set(card_names(response)) == expected


@pytest.mark.parametrize(
    "query",
    [
        "theme=sport",
        "agglomeration=LILLE",
        "commune=99999",
        "year=deux",
        "wave=-3",
        "award=or",
        "sort=hasard",
        "page=abc",
        "theme=",
        "q=" + "x" * 500,
        "commune=62%00498",
    ],
)
def test_list_ignores_unknown_filter_values(client, history, query):
    response = client.get(f"{LIST_URL}?{query}")

    assert response.status_code == 200
    assert len(card_names(response)) == CATALOGUE_PAGE_SIZE
    assert "20 projets" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # The Cité des Électriciens' holder is the agglomeration of Béthune-Bruay.
        ("bethune", {"Tiers-lieu Le Passage à Niveaux", "Cité des Électriciens"}),
        ("BÉTHUNE", {"Tiers-lieu Le Passage à Niveaux", "Cité des Électriciens"}),
        ("foret", {"Forêt urbaine de Lens"}),
        ("iles", {"Parc des Îles"}),
        ("henin carvin", {"Pôle Territorial de Coopération Économique Hénin-Carvin", PARC}),
        ("d'orient", {"Rénovation accompagnée de la Cité d'Orient"}),
        (
            "loos-en-gohelle",
            {
                "Mine de Soleil",
                "Cluster Éco-construction et éco-matériaux de la Base 11/19",
                "Aménagements d'accès et de desserte du Louvre-Lens",
            },
        ),
        ("zzz introuvable", set()),
    ],
)
def test_search_ignores_case_and_accents(client, history, query, expected):
    response = client.get(LIST_URL, {"q": query})

    assert set(card_names(response)) == expected


def test_search_with_a_nul_character_still_searches(client, history):
    response = client.get(f"{LIST_URL}?q=bethune%00")

    assert card_names(response) == ["Tiers-lieu Le Passage à Niveaux", "Cité des Électriciens"]


def test_search_with_no_result_says_so(client, history):
    response = client.get(LIST_URL, {"q": "introuvable"})

    assert "Aucun projet ne correspond" in response.content.decode()


def test_sort_by_name_ignores_accents(client):
    for name in ["Zèbre", "Écoles ouvertes", "Atelier", "éco-quartier"]:
        CatalogueEntryFactory(name=name)

    response = client.get(LIST_URL, {"sort": "name"})

    assert card_names(response) == ["Atelier", "éco-quartier", "Écoles ouvertes", "Zèbre"]


def test_unknown_years_come_last_in_both_sorts(client):
    CatalogueEntryFactory(name="Ancien", year=2014)
    CatalogueEntryFactory(name="Sans date", year=None)
    CatalogueEntryFactory(name="Récent", year=2024)

    assert card_names(client.get(LIST_URL)) == ["Récent", "Ancien", "Sans date"]
    assert card_names(client.get(LIST_URL, {"sort": "oldest"})) == ["Ancien", "Récent", "Sans date"]


def test_pagination_keeps_filters_in_its_links(client):
    for index in range(CATALOGUE_PAGE_SIZE + 3):
        CatalogueEntryFactory(name=f"Projet nature {index:02}", themes=["nature"])
    CatalogueEntryFactory(name="Hors thème", themes=["culture"])

    first = client.get(LIST_URL, {"theme": "nature", "sort": "name"})
    second = client.get(LIST_URL, {"theme": "nature", "sort": "name", "page": 2})

    assert len(card_names(first)) == CATALOGUE_PAGE_SIZE
    assert card_names(second) == ["Projet nature 12", "Projet nature 13", "Projet nature 14"]
    assert 'href="?theme=nature&amp;sort=name&amp;page=2"' in first.content.decode()
    assert 'aria-current="page"' in second.content.decode()


def test_page_past_the_end_shows_the_last_page(client):
    for index in range(CATALOGUE_PAGE_SIZE + 1):
        CatalogueEntryFactory(name=f"Projet {index:02}")

    response = client.get(LIST_URL, {"sort": "name", "page": 99})

    assert response.status_code == 200
    assert card_names(response) == [f"Projet {CATALOGUE_PAGE_SIZE:02}"]


def test_empty_catalogue_shows_an_empty_first_page(client):
    response = client.get(LIST_URL, {"page": 3})

    assert response.status_code == 200
    assert "0 projet" in response.content.decode()


def test_filter_form_works_without_javascript_and_labels_every_field(client, history):
    body = client.get(LIST_URL).content.decode()

    start = body.index('<form method="get"')
    form = body[start : body.index("</form>", start)]
    for name in ["q", "theme", "agglomeration", "commune", "year", "wave", "award", "sort"]:
        assert f'name="{name}"' in form
        assert f'<label class="form-label" for="id_{name}">' in form
    assert 'type="submit"' in form
    # Only communes that have a project are offered.
    assert '<option value="62119">Béthune</option>' in form
    assert '<option value="62001">' not in form


def test_active_filters_each_have_a_removal_link(client, history):
    body = client.get(LIST_URL, {"theme": "nature", "year": "2022"}).content.decode()

    assert 'href="?year=2022"' in body  # removes the theme
    assert 'href="?theme=nature"' in body  # removes the year


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "query",
    ["", "?q=projet", "?theme=nature&commune=62498&year=2023&sort=name", "?page=3"],
)
def test_list_query_count_does_not_grow_with_the_catalogue(
    client, django_assert_num_queries, query
):
    def make(count, start):
        catalogue_entries_bulk(
            count, start=start, communes=["62498", "62510"], themes=["nature", "habitat"]
        )

    make(3, 0)
    few = count_queries(client, LIST_URL + query)
    make(297, 3)
    with django_assert_num_queries(few):
        response = client.get(LIST_URL + query)
    assert len(card_names(response)) == CATALOGUE_PAGE_SIZE
    assert "Lens, Liévin" in response.content.decode()
    assert few <= 7


# --- Project page -------------------------------------------------------------------------


def test_project_page_shows_everything(client):
    entry = CatalogueEntryFactory(
        name="Mine de Soleil",
        holder="SAS Mine de Soleil",
        holder_type="entreprise",
        year=2022,
        wave_number=9,
        communes=["62528"],
        themes=["energie"],
        summary="Une société citoyenne.",
        description="## Histoire\n\nDes **toitures** solaires.",
        website="https://example.org/soleil",
        source_url="https://example.org/article",
    )

    response = client.get(entry.get_absolute_url())

    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Mine de Soleil</h1>" in body
    for fact in ["SAS Mine de Soleil", "Entreprise", "Loos-en-Gohelle", "Énergie et climat"]:
        assert fact in body
    assert "9e vague" in body and "Une société citoyenne." in body
    assert "<h3>Histoire</h3>" in body and "<strong>toitures</strong>" in body
    assert 'href="https://example.org/soleil"' in body
    assert 'href="/projets/?commune=62528"' in body and 'href="/projets/?theme=energie"' in body


def test_project_page_json_ld_describes_the_project(client):
    entry = CatalogueEntryFactory(
        name="Forêt urbaine", year=2022, communes=["62498"], themes=["nature"]
    )

    body = client.get(entry.get_absolute_url()).content.decode()

    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S).group(1)
    data = json.loads(block)
    assert data["@type"] == "Project" and data["name"] == "Forêt urbaine"
    assert data["url"] == "http://testserver/projets/foret-urbaine/"
    assert data["areaServed"] == [{"@type": "City", "name": "Lens", "identifier": "62498"}]
    assert data["award"] == "Label Euralens (Catégorie 1) 2022"


def test_project_page_json_ld_cannot_close_its_script_tag(client):
    entry = CatalogueEntryFactory(name="</script><script>alert(1)</script>", summary="a & b <!--")

    body = client.get(entry.get_absolute_url()).content.decode()

    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S).group(1)
    assert "<" not in block and ">" not in block and "&" not in block
    assert json.loads(block)["name"] == "</script><script>alert(1)</script>"
    assert "<script>alert(1)" not in body


def test_project_page_lists_related_projects_sharing_a_commune_or_theme(client):
    entry = CatalogueEntryFactory(name="Centre", communes=["62498"], themes=["nature"])
    CatalogueEntryFactory(name="Même commune", communes=["62498"], themes=["culture"])
    CatalogueEntryFactory(name="Même thème", communes=["62510"], themes=["nature"])
    CatalogueEntryFactory(name="Sans lien", communes=["62510"], themes=["culture"])
    CatalogueEntryFactory(name="Caché", communes=["62498"], is_published=False)

    response = client.get(entry.get_absolute_url())

    assert card_names(response) == ["Même commune", "Même thème"]


@pytest.mark.parametrize("hidden", [{"is_published": False}, {"is_synthetic": True}])
def test_project_page_of_a_hidden_entry_is_not_found(client, hidden):
    entry = CatalogueEntryFactory(**hidden)

    response = client.get(reverse("catalogue:detail", kwargs={"slug": entry.slug}))

    assert response.status_code == 404
    assert entry.name not in response.content.decode()


def test_statistics_path_is_not_taken_for_a_project(client):
    CatalogueEntryFactory(name="Statistiques")

    response = client.get("/projets/statistiques/")

    assert response.status_code == 200
    assert "Le label en chiffres" in response.content.decode()


def picture(size=(900, 600)):
    buffer = BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="JPEG")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_project_picture_is_served_as_thumbnails_only(client):
    entry = CatalogueEntryFactory(image_alt="Les panneaux sur le toit")
    entry.image = picture()
    entry.save()

    page = client.get(entry.get_absolute_url()).content.decode()
    response = client.get(entry.large_image_url)

    expected = f'src="{entry.large_image_url}" alt="Les panneaux sur le toit"'
    assert expected in page.replace("&amp;", "&")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    with Image.open(BytesIO(b"".join(response.streaming_content))) as served:
        assert served.size == (900, 600)
    assert "max-age" in response["Cache-Control"]
    original = client.get(f"/projets/{entry.slug}/image/original.jpg")
    assert original.status_code == 404


def test_picture_of_an_unpublished_project_is_not_served(client):
    entry = CatalogueEntryFactory()
    entry.image = picture()
    entry.save()
    url = entry.card_image_url
    entry.is_published = False
    entry.save()

    assert client.get(url).status_code == 404


def test_card_shows_the_thumbnail_or_the_initials(client):
    with_picture = CatalogueEntryFactory(name="Avec image")
    with_picture.image = picture()
    with_picture.save()
    CatalogueEntryFactory(name="Sans image")

    body = client.get(LIST_URL).content.decode().replace("&amp;", "&")

    assert f'src="{with_picture.card_image_url}"' in body
    assert 'aria-hidden="true">SI</div>' in body


# --- Home and navigation ------------------------------------------------------------------


def test_home_page_shows_the_latest_labelled_projects(client):
    CatalogueEntryFactory(name="Ancien projet")
    CatalogueEntryFactory(name="Nouveau projet")
    CatalogueEntryFactory(name="Projet caché", is_published=False)

    response = client.get(reverse("label:home"))

    body = response.content.decode()
    assert "Derniers projets labellisés" in body
    assert card_names(response)[:2] == ["Nouveau projet", "Ancien projet"]
    assert "Projet caché" not in body


def test_home_page_puts_the_latest_year_first_whatever_the_import_order(client):
    CatalogueEntryFactory(name="Labellisé en 2024", year=2024)
    CatalogueEntryFactory(name="Sans année", year=None)
    CatalogueEntryFactory(name="Labellisé en 2020", year=2020)

    response = client.get(reverse("label:home"))

    assert card_names(response) == ["Labellisé en 2024", "Labellisé en 2020", "Sans année"]


def test_navigation_links_to_the_catalogue(client):
    body = client.get(reverse("label:home")).content.decode()

    assert 'href="/projets/">Projets labellisés</a>' in body


def test_agglomeration_and_award_enums_keep_their_public_codes():
    assert Agglomeration.values == ["CALL", "CAHC", "CABBALR", "PMA"]
    assert Award.values == ["label", "espoirs"]


def test_cached_filter_choices_and_counts_follow_the_catalogue(client):
    CatalogueEntryFactory(name="Premier", communes=["62498"], year=2022)
    before = client.get(LIST_URL).content.decode()

    CatalogueEntryFactory(name="Second", communes=["62119"], year=2024, agglomeration="CABBALR")
    after = client.get(LIST_URL).content.decode()

    assert "1 projet" in before and '<option value="62119">' not in before
    assert "2 projets" in after and '<option value="62119">Béthune</option>' in after
    assert '<option value="2024">2024</option>' in after


def test_unpublishing_drops_the_entry_from_the_cached_count(client):
    entry = CatalogueEntryFactory(name="Bientôt retiré")
    assert "1 projet" in client.get(LIST_URL).content.decode()

    entry.is_published = False
    entry.save()

    assert "0 projet" in client.get(LIST_URL).content.decode()


def test_related_projects_are_searched_once_per_version_of_the_catalogue(
    client, django_assert_num_queries
):
    from catalogue.selectors import catalogue_entry_list_related

    entry = CatalogueEntryFactory(name="Centre", communes=["62498"], themes=["nature"])
    CatalogueEntryFactory(name="Même commune", communes=["62498"], themes=["culture"])
    assert [e.name for e in catalogue_entry_list_related(entry)] == ["Même commune"]

    # Known for this version: one read by primary key, whatever the size of the catalogue.
    with django_assert_num_queries(1):
        assert [e.name for e in catalogue_entry_list_related(entry)] == ["Même commune"]

    # Any change to the catalogue makes a new version: the search runs again.
    CatalogueEntryFactory(name="Même thème", communes=["62510"], themes=["nature"])
    assert [e.name for e in catalogue_entry_list_related(entry)] == ["Même commune", "Même thème"]


@pytest.mark.django_db
def test_publishing_copies_only_the_answers_the_form_makes_public():
    """The catalogue's description is made of the answers the wave's form shows the public:
    the description by default (title, summary, communes and themes are columns of their
    own); an answer staff keep from the public stays out."""
    from callforms.declaration import form_for
    from callforms.models import CallForm, Question
    from catalogue.services import catalogue_entry_publish_from_application
    from tests.factories import ApplicationFactory

    application = ApplicationFactory(complete=True)
    wave = application.wave
    form_for(wave)

    entry = catalogue_entry_publish_from_application(application)
    assert entry.description == "Création de jardins partagés sur trois friches minières."

    Question.objects.filter(section__form__wave=wave, key="description").update(
        visible_public=False
    )
    call_form = CallForm.objects.get(wave=wave)
    call_form.version += 1
    call_form.save()
    application.wave = type(wave).objects.get(pk=wave.pk)

    assert catalogue_entry_publish_from_application(application).description == ""
