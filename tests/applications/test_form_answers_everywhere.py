"""Issue 12, « Done when »: staff add a question of each kind to a new wave's form, an
applicant answers them through the editor and files the dossier, and every answer appears,
written the French way, wherever the dossier is read: the receipt PDF, the full dossier PDF,
the staff's page, the reviewer's and the jury's views (each per the question's visibility),
the CSV export (one column per question, in form order) and the personal-data export."""

import csv
import io
import json
import re
import zipfile
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applications.enums import ApplicationState as S
from applications.models import Application, Attachment
from callforms import services as form_services
from callforms.declaration import form_for
from tests.applications.test_exports import export
from tests.conftest import login
from tests.factories import ApplicationFactory
from tests.factories.applications import MINIMAL_PDF
from tests.factories.jury import jury_member
from tests.factories.reviews import AssignmentFactory
from tests.label.pdf_checks import pdf_text

pytestmark = pytest.mark.django_db

SECTION_TITLE = "Compléments sur le lieu"
FILE_NAME = "photos-du-lieu.pdf"

# Who reads each answer besides staff: (reviewers, jury, public).
ALL = (True, True, False)
REVIEWER_ONLY = (True, False, False)
JURY_ONLY = (False, True, False)
PUBLIC_ONLY = (False, False, True)
PUBLIC_AND_ALL = (True, True, True)
STAFF_ONLY = (False, False, False)

TABLE_COLUMNS = [
    {"key": "source", "label": "Apport", "kind": "text"},
    {"key": "montant", "label": "Valeur", "kind": "amount"},
    {"key": "acquis", "label": "Acquis", "kind": "yesno"},
]

# key, label, kind, options, visibility, posted value, displayed value (French).
QUESTIONS = [
    (
        "lieu_nom",
        "Nom du lieu d'accueil",
        "short_text",
        {},
        PUBLIC_AND_ALL,
        "La Halle aux grains",
        "La Halle aux grains",
    ),
    (
        "historique",
        "Historique du collectif",
        "long_text",
        {"max_length": 800},
        ALL,
        "Un collectif de voisins né en 2019 autour du jardin.",
        "Un collectif de voisins né en 2019 autour du jardin.",
    ),
    (
        "benevoles",
        "Nombre de bénévoles",
        "number",
        {"min": 0},
        REVIEWER_ONLY,
        "1 250",
        "1\u202f250",
    ),
    (
        "apport_nature",
        "Apport en nature valorisé",
        "amount",
        {},
        JURY_ONLY,
        "48 500",
        "48\u202f500,00\u00a0€",
    ),
    (
        "premiere_action",
        "Date de la première action",
        "date",
        {},
        ALL,
        "2027-03-04",
        "4 mars 2027",
    ),
    (
        "accessible",
        "Le lieu est-il accessible en fauteuil ?",
        "yesno",
        {},
        ALL,
        "true",
        "oui",
    ),
    (
        "public_vise",
        "Public visé en priorité",
        "choice",
        {"choices": [["habitants", "Habitants du quartier"], ["ecoles", "Écoles et collèges"]]},
        REVIEWER_ONLY,
        "ecoles",
        "Écoles et collèges",
    ),
    (
        "saisons",
        "Saisons d'activité",
        "multichoice",
        {"choices": [["printemps", "Printemps"], ["ete", "Été"], ["automne", "Automne"]]},
        JURY_ONLY,
        ["printemps", "automne"],
        "Printemps, Automne",
    ),
    (
        "courriel_benevoles",
        "Adresse e-mail du référent bénévole",
        "email",
        {},
        ALL,
        "benevoles@halle-grains.example",
        "benevoles@halle-grains.example",
    ),
    (
        "site_web",
        "Site web du lieu",
        "url",
        {},
        PUBLIC_ONLY,
        "https://halle-grains.example/projet",
        "https://halle-grains.example/projet",
    ),
    (
        "telephone_lieu",
        "Téléphone du gardien du lieu",
        "phone",
        {},
        STAFF_ONLY,
        "03 21 45 67 89",
        "03 21 45 67 89",
    ),
    (
        "siret_partenaire",
        "SIRET du partenaire principal",
        "siret",
        {},
        ALL,
        "732 829 320 00074",
        "73282932000074",
    ),
    (
        "photos_lieu",
        "Photos du lieu",
        "files",
        {"max_files": 2},
        ALL,
        None,  # uploaded apart
        FILE_NAME,
    ),
    (
        "apports",
        "Apports en nature",
        "table",
        {"columns": TABLE_COLUMNS},
        ALL,
        None,  # posted as rows, below
        "Prêt de salle par la mairie",
    ),
    # In a section of its own: the editor's page of a section with an added communes
    # question fails (see test_the_editor_shows_an_added_communes_question, below).
    (
        "communes_ateliers",
        "Communes des ateliers",
        "communes",
        {},
        ALL,
        ["62148", "62413"],
        "Bois-Bernard, Harnes",
    ),
]
TABLE_POST = {
    "apports-rows": "1",
    "apports-0-source": "Prêt de salle par la mairie",
    "apports-0-montant": "3 200",
    "apports-0-acquis": "on",
}
TABLE_AMOUNT = "3\u202f200,00\u00a0€"


def flat(text):
    """Text with every kind of space made one plain space (PDF and HTML write them apart)."""
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " "))


def expected(visibility_index=None):
    """[(label, displayed value)] of the questions an audience reads (None: staff, all)."""
    return [
        (label, display)
        for _key, label, _kind, _options, visibility, _posted, display in QUESTIONS
        if visibility_index is None or visibility[visibility_index]
    ]


def hidden(visibility_index):
    return [
        (label, display)
        for _key, label, _kind, _options, visibility, _posted, display in QUESTIONS
        if not visibility[visibility_index]
    ]


def assert_all_shown(text, pairs, where):
    text = flat(text)
    for label, display in pairs:
        assert flat(label) in text, f"{where}: the question « {label} » is missing"
        assert flat(display) in text, f"{where}: the answer « {display} » is missing"


def assert_none_shown(text, pairs, where):
    text = flat(text)
    for label, display in pairs:
        assert flat(label) not in text, f"{where}: the question « {label} » is shown"
        if display not in ("oui",):
            assert flat(display) not in text, f"{where}: the answer « {display} » is shown"


COMMUNES_KEY = "communes_ateliers"
COMMUNES_SECTION_TITLE = "Ateliers"


def autosave_url(application, section_key):
    return reverse(
        "applications:dossier_autosave", kwargs={"pk": application.pk, "section": section_key}
    )


def section_url(application, section_key):
    return reverse("applications:dossier", kwargs={"pk": application.pk, "section": section_key})


def build_form(wave, staff):
    """Staff add two sections holding one question of each kind, through callforms.services
    (the builder's views call them): the communes question alone in the second one."""
    spec = form_for(wave)
    section = form_services.section_create(
        wave=wave,
        version=spec.version,
        user=staff,
        title=SECTION_TITLE,
        introduction="Quelques précisions sur le lieu.",
    )
    communes_section = form_services.section_create(
        wave=wave, version=form_for(wave).version, user=staff, title=COMMUNES_SECTION_TITLE
    )
    for key, label, kind, options, (reviewers, jury, public), _posted, _display in QUESTIONS:
        question = form_services.question_create(
            section=communes_section if key == COMMUNES_KEY else section,
            version=form_for(wave).version,
            user=staff,
            key=key,
            label=label,
            kind=kind,
            options=options,
            required=True,
            visible_to_reviewers=reviewers,
            visible_to_jury=jury,
            visible_public=public,
        )
        assert question.key == key
    return section, communes_section


@pytest.fixture
def wave_form(open_wave, instruction_user):
    return build_form(open_wave, instruction_user)


@pytest.fixture
def filed(client, applicant, open_wave, wave_form):
    """The dossier, answered through the editor's POSTs and filed by the applicant."""
    section, communes_section = wave_form
    application = ApplicationFactory(complete=True, owner=applicant, wave=open_wave)
    login(client, applicant)
    url = section_url(application, section.key)

    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    for key, *_rest in QUESTIONS:
        if key not in ("photos_lieu", COMMUNES_KEY):
            assert f'name="{key}' in html, key

    data = {
        key: posted
        for key, *_m, posted, _d in QUESTIONS
        if posted is not None and key != COMMUNES_KEY
    }
    response = client.post(url, {**data, **TABLE_POST, "action": "save"})
    assert response.status_code == 302, unescape(response.content.decode())[-3000:]

    upload = client.post(
        url,
        {
            "kind": "photos_lieu",
            "file": SimpleUploadedFile(FILE_NAME, MINIMAL_PDF, content_type="application/pdf"),
            "upload": "1",
        },
    )
    assert upload.status_code == 302
    assert Attachment.objects.filter(application=application, kind="photos_lieu").count() == 1

    # The communes' section page cannot be shown (the bug below): its answer goes through the
    # editor's autosave POST, which the page's script sends as the applicant ticks.
    saved = client.post(
        autosave_url(application, communes_section.key), {COMMUNES_KEY: ["62148", "62413"]}
    )
    assert saved.status_code == 200, saved.content
    assert COMMUNES_KEY in saved.json()["saved"], saved.json()

    submit = client.post(reverse("applications:submit", kwargs={"pk": application.pk}))
    assert submit.status_code == 302
    application.refresh_from_db()
    assert application.state == S.SUBMITTED, "the dossier could not be filed"
    client.logout()
    return application


def test_the_editor_shows_an_added_communes_question(client, applicant, open_wave, wave_form):
    _section, communes_section = wave_form
    application = ApplicationFactory(owner=applicant, wave=open_wave)

    response = login(client, applicant).get(section_url(application, communes_section.key))

    assert response.status_code == 200
    assert f'name="{COMMUNES_KEY}"' in response.content.decode()


def test_the_editor_stores_each_kind_as_its_json_value(filed):
    answers = filed.answers
    assert answers["lieu_nom"] == "La Halle aux grains"
    assert answers["benevoles"] == 1250
    assert answers["apport_nature"] == "48500.00"
    assert answers["premiere_action"] == "2027-03-04"
    assert answers["accessible"] is True
    assert answers["public_vise"] == "ecoles"
    assert answers["saisons"] == ["printemps", "automne"]
    assert answers["siret_partenaire"] == "73282932000074"
    assert answers["communes_ateliers"] == ["62148", "62413"]
    assert answers["apports"] == [
        {"source": "Prêt de salle par la mairie", "montant": "3200.00", "acquis": True}
    ]
    assert "photos_lieu" not in answers  # a file is an attachment, not an answer


def test_the_receipt_pdf_holds_every_answer(client, applicant, filed):
    response = login(client, applicant).get(
        reverse("applications:receipt", kwargs={"pk": filed.pk})
    )

    _reader, text = pdf_text(response.content)
    assert_all_shown(text, expected(), "receipt")
    assert flat(TABLE_AMOUNT) in flat(text)


def test_the_full_dossier_pdf_holds_every_answer(client, applicant, filed):
    response = login(client, applicant).get(
        reverse("applications:dossier_pdf", kwargs={"pk": filed.pk})
    )

    _reader, text = pdf_text(response.content)
    assert_all_shown(text, expected(), "dossier PDF")
    assert flat(TABLE_AMOUNT) in flat(text)


def test_the_staff_page_shows_every_answer(client, instruction_user, filed):
    response = login(client, instruction_user).get(
        reverse("applications:instruction_detail", kwargs={"pk": filed.pk})
    )

    assert response.status_code == 200
    text = unescape(response.content.decode())
    assert_all_shown(text, expected(), "staff page")
    assert flat(TABLE_AMOUNT) in flat(text)


def test_the_reviewer_reads_only_the_answers_shown_to_reviewers(client, reviewer, filed):
    Application.objects.filter(pk=filed.pk).update(state=S.IN_REVIEW)
    assignment = AssignmentFactory(
        application=filed, reviewer=reviewer, confidentiality_accepted_at=timezone.now()
    )

    response = login(client, reviewer).get(reverse("reviews:review", kwargs={"pk": assignment.pk}))

    assert response.status_code == 200
    text = unescape(response.content.decode())
    assert_all_shown(text, expected(0), "reviewer")
    assert_none_shown(text, hidden(0), "reviewer")
    assert flat(TABLE_AMOUNT) in flat(text)


def test_the_jury_reads_only_the_answers_shown_to_the_jury(client, filed):
    Application.objects.filter(pk=filed.pk).update(state=S.DELIBERATION)

    response = login(client, jury_member()).get(reverse("reviews:jury_file", args=[filed.pk]))

    assert response.status_code == 200
    text = unescape(response.content.decode())
    assert_all_shown(text, expected(1), "jury")
    assert_none_shown(text, hidden(1), "jury")


def test_the_csv_export_has_one_column_per_question_in_form_order(client, instruction_user, filed):
    response = export(
        login(client, instruction_user), {"format": "csv", "columns": ["reference", "answers"]}
    )

    raw = response.content_bytes.decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(raw), delimiter=";"))
    labels = [label for _key, label, *_rest in QUESTIONS]
    added = [
        name.removesuffix(" (fichiers)")
        for name in header
        if name.removesuffix(" (fichiers)") in labels
    ]
    assert added == labels  # one column each, in the order of the form
    row = dict(zip(header, rows[0], strict=True))
    assert row["Nom du lieu d'accueil"] == "La Halle aux grains"
    assert row["Historique du collectif"] == QUESTIONS[1][6]
    assert row["Nombre de bénévoles"] == "1250"
    assert row["Apport en nature valorisé"] == "48500,00"  # a number for the spreadsheet
    assert row["Date de la première action"] == "04/03/2027"
    assert row["Le lieu est-il accessible en fauteuil ?"] == "oui"
    assert row["Public visé en priorité"] == "Écoles et collèges"
    assert row["Saisons d'activité"] == "Printemps, Automne"
    assert row["Adresse e-mail du référent bénévole"] == "benevoles@halle-grains.example"
    assert row["Site web du lieu"] == "https://halle-grains.example/projet"
    assert row["Téléphone du gardien du lieu"] == "03 21 45 67 89"
    assert row["SIRET du partenaire principal"] == "73282932000074"
    assert row["Communes des ateliers"] == "Bois-Bernard, Harnes"
    assert row["Photos du lieu (fichiers)"] == FILE_NAME
    assert "Prêt de salle par la mairie" in row["Apports en nature"]
    assert flat(TABLE_AMOUNT) in flat(row["Apports en nature"])


def test_the_personal_data_export_holds_every_answer(client, applicant, filed):
    response = login(client, applicant).get(reverse("privacy:export"))

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    data = json.loads(archive.read("donnees.json"))
    item = next(entry for entry in data["applications"] if entry["reference"] == filed.reference)
    answers = {answer["key"]: answer for answer in item["answers"]}
    for key, label, kind, _options, _visibility, _posted, display in QUESTIONS:
        if kind == "files":
            continue
        assert answers[key]["question"] == label
        if kind != "table":
            assert answers[key]["display"] == display, key
        else:
            assert display in answers[key]["display"]
            assert TABLE_AMOUNT in answers[key]["display"]
    keys = [answer["key"] for answer in item["answers"]]
    added = [key for key in keys if key in answers and key in {q[0] for q in QUESTIONS}]
    assert added == [q[0] for q in QUESTIONS if q[2] != "files"]  # in form order
    # The document the applicant joined goes with the data, under its own name.
    assert FILE_NAME in json.dumps(item, ensure_ascii=False) or any(
        FILE_NAME in name for name in archive.namelist()
    )


def test_the_csv_export_writes_an_answered_date_the_french_way(client, instruction_user, filed):
    response = export(
        login(client, instruction_user), {"format": "csv", "columns": ["reference", "answers"]}
    )

    raw = response.content_bytes.decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(raw), delimiter=";"))
    assert dict(zip(header, rows[0], strict=True))["Date de la première action"] == "04/03/2027"
