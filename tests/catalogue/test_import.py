"""Import of the catalogue CSV: validation with line numbers, all or nothing, idempotence."""

import csv
import io
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from catalogue.models import CatalogueEntry, CatalogueEntryTheme
from catalogue.services import CATALOGUE_CSV, REQUIRED_COLUMNS, catalogue_import
from label.enums import Agglomeration, Award, HolderType
from tests.conftest import login
from tests.factories import CatalogueEntryFactory, UserFactory

pytestmark = pytest.mark.django_db

GOOD_ROW = {
    "name": "Jardin partagé de la cité 12",
    "year": "2024",
    "wave": "10",
    "award": "label",
    "epci": "CALL",
    "communes_insee": "62498",
    "holder": "Association des jardiniers",
    "holder_type": "association",
    "themes": "nature;alimentation",
    "summary": "Un jardin cultivé par les habitants.",
    "source_url": "https://example.org/jardin",
}


def csv_text(*rows, columns=REQUIRED_COLUMNS, delimiter=","):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, delimiter=delimiter, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({**GOOD_ROW, **row} if row is not None else {})
    return buffer.getvalue()


def import_text(text, **kwargs):
    return catalogue_import(source=io.BytesIO(text.encode("utf-8")), **kwargs)


def test_bundled_history_imports_every_project_with_communes_and_themes():
    report = catalogue_import(source=CATALOGUE_CSV)

    assert report.ok, report.errors
    assert len(report.created) == 20
    assert CatalogueEntry.objects.count() == 20
    passage = CatalogueEntry.objects.get(name="Tiers-lieu Le Passage à Niveaux")
    assert [commune.name for commune in passage.communes.all()] == ["Béthune"]
    assert [theme.value for theme in passage.themes] == ["culture", "inclusion", "education"]
    assert passage.agglomeration == Agglomeration.CABBALR
    assert (passage.year, passage.wave_number) == (2023, 10)
    parcs = CatalogueEntry.objects.get(name="Chaîne des parcs")
    assert parcs.agglomeration == Agglomeration.PMA
    assert parcs.year is None and parcs.wave_number is None
    assert parcs.communes.count() == 0
    ptce = CatalogueEntry.objects.get(slug__startswith="pole-territorial-de-cooperation")
    assert ptce.award == Award.ESPOIRS
    comite = CatalogueEntry.objects.get(name="Comité Grand Artois")
    assert comite.holder == "" and comite.holder_type == HolderType.AUTRE


def test_reimport_of_the_same_file_changes_nothing_and_duplicates_nothing():
    catalogue_import(source=CATALOGUE_CSV)
    before = {entry.slug: entry.updated_at for entry in CatalogueEntry.objects.all()}
    themes_before = CatalogueEntryTheme.objects.count()

    report = catalogue_import(source=CATALOGUE_CSV)

    assert report.ok
    assert (len(report.created), len(report.updated), len(report.unchanged)) == (0, 0, 20)
    assert {entry.slug: entry.updated_at for entry in CatalogueEntry.objects.all()} == before
    assert CatalogueEntryTheme.objects.count() == themes_before


def test_reimport_with_a_changed_row_updates_that_entry_in_place():
    import_text(csv_text({}))
    entry = CatalogueEntry.objects.get()

    report = import_text(
        csv_text({"summary": "Résumé revu.", "themes": "nature", "communes_insee": "62510"})
    )

    assert report.updated == [GOOD_ROW["name"]]
    assert CatalogueEntry.objects.count() == 1
    entry.refresh_from_db()
    assert entry.summary == "Résumé revu."
    assert [theme.value for theme in entry.themes] == ["nature"]
    assert [commune.name for commune in entry.communes.all()] == ["Liévin"]
    assert "lievin" in entry.search_text and "lens" not in entry.search_text.split()


def test_reimport_matches_names_regardless_of_case_and_accents():
    import_text(csv_text({"name": "Forêt urbaine"}))

    report = import_text(csv_text({"name": "FORET URBAINE"}))

    assert report.updated == ["FORET URBAINE"]
    assert CatalogueEntry.objects.count() == 1


def test_reimport_keeps_the_published_flag_set_by_staff():
    import_text(csv_text({}))
    CatalogueEntry.objects.update(is_published=False)

    import_text(csv_text({"summary": "Autre résumé."}))

    assert CatalogueEntry.objects.get().is_published is False


def test_two_projects_of_the_same_name_in_different_years_get_distinct_slugs():
    report = import_text(csv_text({"year": "2020"}, {"year": "2024"}))

    assert report.ok, report.errors
    assert sorted(CatalogueEntry.objects.values_list("slug", flat=True)) == [
        "jardin-partage-de-la-cite-12",
        "jardin-partage-de-la-cite-12-2024",
    ]
    again = import_text(csv_text({"year": "2020"}, {"year": "2024"}))
    assert len(again.unchanged) == 2 and CatalogueEntry.objects.count() == 2


@pytest.mark.parametrize(
    ("change", "column", "fragment"),
    [
        ({"communes_insee": "62498;59350"}, "communes_insee", "code INSEE inconnu « 59350 »"),
        ({"themes": "nature;sport"}, "themes", "thème inconnu « sport »"),
        ({"award": "categorie2"}, "award", "distinction inconnue « categorie2 »"),
        ({"year": "deux mille"}, "year", "année invalide « deux mille »"),
        ({"year": "1999"}, "year", "année invalide « 1999 »"),
        ({"wave": "0"}, "wave", "vague invalide « 0 »"),
        ({"name": ""}, "name", "le nom du projet est obligatoire"),
        ({"epci": "CALLX"}, "epci", "agglomération inconnue « CALLX »"),
        ({"holder_type": "ong"}, "holder_type", "type de porteur inconnu « ong »"),
        ({"epci": "CAHC"}, "communes_insee", "Lens (62498) n'est pas dans l'agglomération CAHC"),
        ({"source_url": "javascript:alert(1)"}, "source_url", "adresse web invalide"),
        ({"epci": "", "communes_insee": ""}, "epci", "agglomération manquante"),
    ],
)
def test_invalid_row_is_reported_with_its_line_and_nothing_is_imported(change, column, fragment):
    text = csv_text({"name": "Premier projet"}, change, {"name": "Troisième projet"})

    report = import_text(text)

    assert not report.ok
    assert [(problem.line, problem.column) for problem in report.errors] == [(3, column)]
    assert fragment in report.errors[0].message
    assert CatalogueEntry.objects.count() == 0


def test_every_error_of_the_file_is_reported_not_only_the_first():
    text = csv_text({"award": "or"}, {}, {"themes": "inconnu", "year": "x"})

    report = import_text(text)

    assert [(problem.line, problem.column) for problem in report.errors] == [
        (2, "award"),
        (4, "year"),
        (4, "themes"),
    ]
    assert CatalogueEntry.objects.count() == 0


def test_line_numbers_count_the_physical_lines_of_multiline_cells():
    text = csv_text({"summary": "Première ligne\nseconde ligne"}, {"name": "Autre", "award": "x"})

    report = import_text(text)

    assert [(problem.line, problem.column) for problem in report.errors] == [(4, "award")]


def test_duplicate_rows_in_the_file_are_refused():
    report = import_text(csv_text({}, {"name": "Jardin partagé de la cité 12 "}))

    assert [(problem.line, problem.column) for problem in report.errors] == [(3, "name")]
    assert "ligne 2" in report.errors[0].message


def test_missing_columns_are_reported_on_the_header_line():
    text = "name,year,award\nProjet,2024,label\n"

    report = import_text(text)

    assert report.errors[0].line == 1
    assert "communes_insee" in report.errors[0].message
    assert CatalogueEntry.objects.count() == 0


def test_dry_run_reports_what_would_change_and_writes_nothing():
    CatalogueEntryFactory(name=GOOD_ROW["name"], year=2024, summary="Ancien résumé.")

    report = import_text(csv_text({}, {"name": "Nouveau projet"}), dry_run=True)

    assert report.ok and report.dry_run and not report.written
    assert report.created == ["Nouveau projet"] and report.updated == [GOOD_ROW["name"]]
    assert CatalogueEntry.objects.count() == 1
    assert CatalogueEntry.objects.get().summary == "Ancien résumé."


def test_empty_agglomeration_is_taken_from_the_communes():
    report = import_text(
        csv_text(
            {"name": "Un", "epci": "", "communes_insee": "62498;62510"},
            {"name": "Deux", "epci": "", "communes_insee": "62498;62119"},
        )
    )

    assert report.ok, report.errors
    assert CatalogueEntry.objects.get(name="Un").agglomeration == Agglomeration.CALL
    assert CatalogueEntry.objects.get(name="Deux").agglomeration == Agglomeration.PMA


def test_excel_file_with_semicolons_and_windows_encoding_is_accepted():
    text = csv_text({"name": "Élan vert"}, delimiter=";").replace("nature;alimentation", "nature")
    text = text.replace('"62498"', "62498")

    report = catalogue_import(source=io.BytesIO(text.encode("cp1252")))

    assert report.ok, report.errors
    assert CatalogueEntry.objects.get().name == "Élan vert"


def test_slug_column_names_the_entry_to_update():
    entry = CatalogueEntryFactory(name="Ancien nom", slug="mon-projet")
    columns = (*REQUIRED_COLUMNS, "slug", "description")

    report = import_text(
        csv_text({"slug": "mon-projet", "description": "**Gras**"}, columns=columns)
    )

    assert report.updated == [GOOD_ROW["name"]]
    entry.refresh_from_db()
    assert (entry.name, entry.slug) == (GOOD_ROW["name"], "mon-projet")
    assert entry.description == "**Gras**"


def test_reserved_slug_is_refused():
    columns = (*REQUIRED_COLUMNS, "slug")

    report = import_text(csv_text({"slug": "statistiques"}, columns=columns))

    assert [(problem.line, problem.column) for problem in report.errors] == [(2, "slug")]


def test_command_imports_and_says_what_it_did(tmp_path):
    out = StringIO()

    call_command("import_catalogue", str(CATALOGUE_CSV), stdout=out)

    assert CatalogueEntry.objects.count() == 20
    assert "20 projet(s) créé(s)" in out.getvalue()


def test_command_dry_run_writes_nothing(tmp_path):
    out = StringIO()

    call_command("import_catalogue", str(CATALOGUE_CSV), "--dry-run", stdout=out)

    assert CatalogueEntry.objects.count() == 0
    assert "rien n'a été écrit" in out.getvalue()


def test_command_fails_with_each_error_and_its_line(tmp_path):
    path = tmp_path / "projets.csv"
    path.write_text(csv_text({}, {"themes": "sport"}, {"communes_insee": "00000"}), "utf-8")
    err = StringIO()

    with pytest.raises(CommandError, match="rien n'a été importé"):
        call_command("import_catalogue", str(path), stderr=err)

    assert "ligne 3" in err.getvalue() and "sport" in err.getvalue()
    assert "ligne 4" in err.getvalue() and "00000" in err.getvalue()
    assert CatalogueEntry.objects.count() == 0


def test_seed_demo_loads_the_bundled_history_once():
    call_command("seed_demo", "--force", stdout=StringIO())
    call_command("seed_demo", "--force", stdout=StringIO())

    assert CatalogueEntry.objects.filter(source_application=None).count() == 20, list(
        CatalogueEntry.objects.values_list("name", "source_application")
    )


# --- Admin upload -----------------------------------------------------------------------


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True, roles=[])


def upload(client, text, *, dry_run):
    data = {"file": SimpleUploadedFile("projets.csv", text.encode("utf-8"), "text/csv")}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(reverse("admin:catalogue_catalogueentry_import"), data)


def test_admin_upload_dry_run_shows_the_report_and_writes_nothing(client, superuser):
    login(client, superuser)

    response = upload(client, csv_text({}), dry_run=True)

    assert response.status_code == 200
    assert "1 projet(s) à créer" in response.content.decode()
    assert CatalogueEntry.objects.count() == 0


def test_admin_upload_imports_and_returns_to_the_list(client, superuser):
    login(client, superuser)

    response = upload(client, csv_text({}), dry_run=False)

    assert response.status_code == 302
    assert CatalogueEntry.objects.get().name == GOOD_ROW["name"]


def test_admin_upload_of_an_invalid_file_lists_errors_by_line(client, superuser):
    login(client, superuser)

    response = upload(client, csv_text({}, {"award": "bronze"}), dry_run=False)

    body = response.content.decode()
    assert response.status_code == 200
    assert "<td>3</td><td>award</td>" in body and "bronze" in body
    assert CatalogueEntry.objects.count() == 0


def test_admin_upload_is_refused_to_staff_without_the_permissions(client):
    staff = UserFactory(is_staff=True, roles=[])
    login(client, staff)

    response = upload(client, csv_text({}), dry_run=False)

    assert response.status_code == 403
    assert CatalogueEntry.objects.count() == 0


def test_admin_upload_sends_anonymous_visitors_to_the_login(client):
    response = upload(client, csv_text({}), dry_run=False)

    assert response.status_code == 302
    assert CatalogueEntry.objects.count() == 0


def test_admin_change_form_saves_themes_and_refreshes_search_text(client, superuser):
    login(client, superuser)
    data = {
        "name": "Ferme urbaine",
        "slug": "",
        "award": "label",
        "year": "2024",
        "wave_number": "",
        "is_published": "on",
        "holder": "",
        "holder_type": "association",
        "agglomeration": "CABBALR",
        "communes": [str(pk) for pk in _commune_pks("62119")],
        "themes": ["alimentation", "nature"],
        "summary": "",
        "description": "",
        "website": "",
        "image_alt": "",
        "source_url": "",
        "source_reference": "",
        "published_at_0": "01/01/2025",
        "published_at_1": "10:00:00",
    }

    response = client.post(reverse("admin:catalogue_catalogueentry_add"), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    entry = CatalogueEntry.objects.get()
    assert entry.slug == "ferme-urbaine"
    assert [theme.value for theme in entry.themes] == ["nature", "alimentation"]
    assert "bethune" in entry.search_text


def test_admin_change_form_refuses_communes_outside_the_agglomeration(client, superuser):
    login(client, superuser)
    data = {
        "name": "Ferme urbaine",
        "award": "label",
        "holder_type": "association",
        "agglomeration": "CALL",
        "communes": [str(pk) for pk in _commune_pks("62119")],
        "published_at_0": "01/01/2025",
        "published_at_1": "10:00:00",
    }

    response = client.post(reverse("admin:catalogue_catalogueentry_add"), data)

    assert response.status_code == 200
    assert "Béthune" in response.content.decode()
    assert CatalogueEntry.objects.count() == 0


def _commune_pks(*codes):
    from label.models import Commune

    return Commune.objects.filter(insee_code__in=codes).values_list("pk", flat=True)
