"""The follow-up in a real browser (issue 14): the holder of a labelled project accepts the
convention, asks for communication support and files the first yearly report with two
indicators and a photo; staff see it in /instruction/suivi/, answer the request and approve a
news item that then shows on the public page, and the indicators' charts render with tables."""

import io

import pytest
from PIL import Image

from catalogue.services import catalogue_entry_publish_from_application
from followup.enums import ConventionStatus, NewsStatus, ReportStatus, SupportRequestStatus
from followup.models import Convention, IndicatorValue, ProgressReport, ProjectNews, SupportRequest
from followup.reports import first_report_year
from label.enums import Role
from label.models import OutboxMail
from tests.factories import UserFactory
from tests.factories.certificates import labelled_application


@pytest.mark.django_db(transaction=True)
def test_holder_accepts_convention_asks_support_files_report_staff_follow(
    page, browser, browser_login, live_server, roles, tmp_path
):
    holder = UserFactory(roles=[Role.APPLICANT], full_name="Camille Martin")
    staff = UserFactory(roles=[Role.APPLICANT, Role.INSTRUCTION])
    project = labelled_application(owner=holder)
    entry = catalogue_entry_publish_from_application(project)
    photo = tmp_path / "jardin.png"
    buffer = io.BytesIO()
    Image.new("RGB", (1800, 1200), (40, 120, 60)).save(buffer, format="PNG")
    photo.write_bytes(buffer.getvalue())
    browser_login(page.context, holder)

    # The convention: read, then accepted with name and capacity.
    page.goto("/mon-espace/")
    page.get_by_role("link", name="Suivi du label").first.click()
    page.get_by_label("Qualité du signataire").fill("Présidente")
    page.get_by_label("J'ai lu la convention").check()
    page.get_by_role("button", name="J'accepte la convention").click()
    page.get_by_text("Vous avez accepté la convention").wait_for()
    convention = Convention.objects.get(application=project)
    assert convention.status == ConventionStatus.ACCEPTED
    assert convention.accepted_capacity == "Présidente" and len(convention.sha256) == 64

    # Communication support.
    page.get_by_label("Type d'accompagnement").select_option("communication")
    page.get_by_label("Objet").fill("Kit du logo")
    page.get_by_label("Votre demande").fill("Merci de nous envoyer le kit du logo.")
    page.get_by_role("button", name="Envoyer la demande").click()
    page.get_by_text("Votre demande est envoyée").wait_for()

    # Two indicators, then the first yearly report with a photo.
    for name, unit in (("Bénévoles", "personnes"), ("Parcelles attribuées", "parcelles")):
        page.locator("#id_indicator-name").fill(name)
        page.locator("#id_indicator-unit").fill(unit)
        page.get_by_role("button", name="Ajouter l'indicateur").click()
    year = first_report_year(project)
    page.get_by_role("link", name=f"Remplir le rapport {year}").click()
    page.get_by_label("Photo (JPEG ou PNG)").set_input_files(str(photo))
    page.get_by_label("Texte alternatif").fill("Bénévoles au jardin")
    page.get_by_label("Les personnes reconnaissables").check()
    page.get_by_role("button", name="Ajouter la photo").click()
    page.get_by_text("La photo est ajoutée").wait_for()
    page.get_by_label("Ce qui a été réalisé cette année").fill("Deux friches aménagées.")
    page.get_by_label("Bénévoles (personnes)").fill("37")
    page.get_by_label("Parcelles attribuées (parcelles)").fill("24")
    page.get_by_role("button", name="Envoyer le rapport").click()
    page.get_by_text("Votre rapport est envoyé").wait_for()
    report = ProgressReport.objects.get(application=project)
    assert report.status == ReportStatus.SENT
    assert sorted(IndicatorValue.objects.values_list("value", flat=True)) == [24, 37]
    assert report.photos.count() == 1

    # A news item proposed by the holder.
    page.get_by_label("Titre de l'actualité").fill("Fête des récoltes")
    page.locator("#id_news-body").fill("Deux cents visiteurs.")
    page.get_by_role("button", name="Proposer l'actualité").click()
    page.get_by_text("Votre actualité est envoyée").wait_for()

    # Staff: the list with its charts, the answer, the news approved.
    staff_context = browser.new_context(base_url=live_server.url)
    staff_page = staff_context.new_page()
    browser_login(staff_context, staff)
    staff_page.goto("/instruction/suivi/")
    assert staff_page.locator("svg.catalogue-chart").count() >= 1
    staff_page.get_by_role("rowheader", name=f"{year} — Bénévoles (personnes)").first.wait_for()
    staff_page.get_by_role("link", name=project.title, exact=True).click()
    staff_page.get_by_label("Répondre au porteur").fill("Voici le kit.")
    staff_page.get_by_role("button", name="Envoyer", exact=True).click()
    staff_page.get_by_text("Votre message est envoyé").wait_for()
    staff_page.get_by_role("button", name="Publier").click()
    staff_page.get_by_text("L'actualité est traitée").wait_for()
    staff_context.close()
    assert SupportRequest.objects.get().status == SupportRequestStatus.IN_PROGRESS
    assert ProjectNews.objects.get().status == NewsStatus.APPROVED
    assert OutboxMail.objects.filter(template="followup_request_reply", to=holder.email).exists()

    # The public page shows the news and no longer « convention en cours ».
    public = browser.new_context(base_url=live_server.url)
    public_page = public.new_page()
    public_page.goto(entry.get_absolute_url())
    public_page.get_by_role("heading", name="Fête des récoltes").wait_for()
    assert "convention en cours" not in public_page.content()
    public.close()
