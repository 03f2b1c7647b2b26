"""The dossier d'intention editor: starting a draft, each section, progress and checklist."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.conditions import missing_items
from applications.enums import ApplicationState, Transition
from applications.models import Application, ApplicationEvent
from applications.views.dossier import dossier_checklist
from label.models import Commune
from tests.conftest import login
from tests.factories import ApplicationFactory, UserFactory, WaveFactory

pytestmark = pytest.mark.django_db

VALID_SIRET = "73282932000074"  # passes the Luhn key
BAD_SIRET = "73282932000075"


def section_url(application, section):
    return reverse("applications:dossier", kwargs={"pk": application.pk, "section": section})


def in_state(application, state):
    Application.objects.filter(pk=application.pk).update(state=state)
    return Application.objects.get(pk=application.pk)


@pytest.fixture
def draft(applicant, open_wave):
    return ApplicationFactory(owner=applicant, wave=open_wave)


@pytest.fixture
def client_in(client, applicant):
    return login(client, applicant)


def holder_data(**overrides):
    data = {
        "holder_name": "Association Terre d'Artois",
        "holder_type": "association",
        "siret": "",
        "address": "12 rue de la Gare",
        "postcode": "62300",
        "city": "Lens",
        "contact_name": "Camille Martin",
        "contact_email": "camille@example.org",
        "contact_phone": "03 21 00 00 00",
        "action": "save",
    }
    data.update(overrides)
    return data


def budget_data(lines=(), rows=None, **overrides):
    """The budget section as posted: the financing plan is the table question
    `financing_lines` of the wave's form (inputs `<key>-rows`, `<key>-<row>-<column>`)."""
    data = {
        "partners": "Commune de Lens",
        "total_cost": "20 000",
        "milestones": "Printemps 2026",
        "diffusion_strategy": "Presse locale",
        "expected_support": "Visibilité",
        "financing_lines-rows": str(rows if rows is not None else len(lines)),
        "action": "save",
    }
    for index, line in enumerate(lines):
        for key, value in line.items():
            data[f"financing_lines-{index}-{key}"] = value
    data.update(overrides)
    return data


# --- Starting a draft -----------------------------------------------------------------------------


def test_start_creates_a_draft_in_the_open_wave_and_opens_the_editor(
    client_in, applicant, open_wave
):
    response = client_in.post(reverse("applications:start"))

    application = Application.objects.get(owner=applicant)
    assert application.state == ApplicationState.DRAFT
    assert application.wave == open_wave
    assert response.url == section_url(application, "porteur")
    assert ApplicationEvent.objects.filter(
        application=application, transition=Transition.CREATE, actor=applicant
    ).exists()


def test_start_allows_several_drafts_per_account(client_in, applicant, open_wave):
    client_in.post(reverse("applications:start"))
    client_in.post(reverse("applications:start"))

    assert Application.objects.filter(owner=applicant, state=ApplicationState.DRAFT).count() == 2


def test_start_without_an_open_wave_creates_nothing(client_in, applicant):
    WaveFactory(
        number=10,
        opens_at=timezone.now() - timedelta(days=400),
        closes_at=timezone.now() - timedelta(days=300),
    )

    response = client_in.post(reverse("applications:start"), follow=True)

    assert not Application.objects.filter(owner=applicant).exists()
    assert "Aucun appel à candidatures n&#x27;est ouvert" in response.content.decode()


def test_start_refuses_a_get(client_in, applicant, open_wave):
    response = client_in.get(reverse("applications:start"))

    assert response.status_code == 405
    assert not Application.objects.filter(owner=applicant).exists()


def test_start_sends_anonymous_visitors_to_login(client, open_wave):
    response = client.post(reverse("applications:start"))

    assert response.status_code == 302
    assert reverse("accounts:login") in response.url
    assert not Application.objects.exists()


def test_start_form_partial_posts_to_start(client_in, applicant):
    from django.template.loader import render_to_string

    html = render_to_string("applications/_dossier_start.html")

    assert f'action="{reverse("applications:start")}"' in html
    assert "Commencer une candidature" in html


# --- Section pages --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "section", ["porteur", "projet", "contribution", "budget", "pieces", "consentement"]
)
def test_section_page_shows_the_saved_dossier(client_in, applicant, open_wave, section):
    application = ApplicationFactory(owner=applicant, wave=open_wave, complete=True)

    response = client_in.get(section_url(application, section))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert 'aria-label="Étapes du dossier"' in html
    assert f'href="{section_url(application, section)}" aria-current="step"' in html
    assert "6 sections complètes sur 6" in html


def test_section_page_shows_saved_values(client_in, applicant, open_wave):
    application = ApplicationFactory(owner=applicant, wave=open_wave, complete=True)

    html = client_in.get(section_url(application, "budget")).content.decode()

    assert 'value="20000,00"' in html
    assert 'value="Région Hauts-de-France"' in html
    assert "« Plan de financement » est équilibré" in html


def test_unknown_section_answers_404(client_in, draft):
    assert client_in.get(section_url(draft, "inconnue")).status_code == 404


def test_progress_counts_complete_sections_of_an_empty_draft(client_in, draft):
    html = client_in.get(section_url(draft, "porteur")).content.decode()

    # French puts 0 in the singular once a catalogue says so; gettext alone uses the plural.
    assert re.search(r"0 sections? complètes? sur 6", html)
    assert '<progress class="dossier-steps-bar" max="6" value="0"' in html
    assert "Renseignez le nom de la structure porteuse." in html


def test_section_pages_load_their_scripts_from_static_files(client_in, draft):
    html = client_in.get(section_url(draft, "projet")).content.decode()

    assert "js/dossier-autosave.js" in html
    assert "js/commune-picker.js" in html
    assert "js/dossier-form.js" in html
    assert "<script>" not in html
    assert " style=" not in html
    assert (
        'data-autosave-url="'
        + reverse("applications:dossier_autosave", kwargs={"pk": draft.pk, "section": "projet"})
        in html
    )


def test_pieces_and_consent_have_no_autosave(client_in, draft):
    for section in ("pieces", "consentement"):
        html = client_in.get(section_url(draft, section)).content.decode()
        assert "data-autosave-url" not in html


# --- Holder ---------------------------------------------------------------------------------------


def test_holder_save_writes_the_section(client_in, draft):
    response = client_in.post(section_url(draft, "porteur"), holder_data(siret="732 829 320 00074"))

    draft.refresh_from_db()
    assert response.url == section_url(draft, "porteur")
    assert draft.holder_name == "Association Terre d'Artois"
    assert draft.holder_type == "association"
    assert draft.siret == VALID_SIRET
    assert draft.contact_email == "camille@example.org"


def test_holder_save_and_continue_goes_to_the_project(client_in, draft):
    response = client_in.post(section_url(draft, "porteur"), holder_data(action="continue"))

    assert response.url == section_url(draft, "projet")


def test_holder_refuses_a_siret_with_a_bad_luhn_key_and_keeps_the_input(client_in, draft):
    response = client_in.post(section_url(draft, "porteur"), holder_data(siret=BAD_SIRET))

    html = response.content.decode()
    draft.refresh_from_db()
    assert response.status_code == 200
    assert draft.holder_name == ""  # nothing of the section saved
    assert "clé de contrôle incorrecte" in html
    assert f'value="{BAD_SIRET}"' in html
    assert 'value="Association Terre d&#x27;Artois"' in html
    assert 'id="resume-erreurs"' in html
    assert 'href="#id_siret"' in html
    assert "<title>Erreur :" in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("siret", "1234", "exactement 14 chiffres"),
        ("contact_email", "camille@", "adresse de courriel valide"),
        ("contact_phone", "appelez-moi", "numéro de téléphone valide"),
        ("postcode", "6230", "5 chiffres"),
        ("holder_type", "pirate", "Sélectionnez un choix valide"),
        ("holder_name", "x" * 201, "au plus 200 caractères"),
    ],
)
def test_holder_refuses_bad_values_in_french(client_in, draft, field, value, message):
    response = client_in.post(section_url(draft, "porteur"), holder_data(**{field: value}))

    draft.refresh_from_db()
    assert message in response.content.decode()
    assert draft.contact_name == ""


def test_holder_siret_is_optional(client_in, draft):
    client_in.post(section_url(draft, "porteur"), holder_data(siret=""))

    draft.refresh_from_db()
    assert draft.siret == ""
    assert draft.holder_name


# --- Project --------------------------------------------------------------------------------------


def project_data(**overrides):
    data = {
        "title": "Jardins partagés",
        "summary": "Des jardins sur les friches.",
        "description": "Trois friches minières.",
        "themes": ["nature", "alimentation"],
        "stage": "definition",
        "communes": [],
        "action": "save",
    }
    data.update(overrides)
    return data


def test_project_saves_themes_stage_and_communes(client_in, draft):
    lens = Commune.objects.get(insee_code="62498")
    lievin = Commune.objects.get(insee_code="62510")

    client_in.post(section_url(draft, "projet"), project_data(communes=[lens.pk, lievin.pk]))

    draft.refresh_from_db()
    assert draft.title == "Jardins partagés"
    assert draft.themes == ["nature", "alimentation"]
    assert draft.answers["stage"] == "definition"
    assert draft.answers["description"] == "Trois friches minières."
    assert set(draft.communes.all()) == {lens, lievin}
    assert not draft.territory_wide


def test_project_summary_over_500_characters_is_refused_and_kept(client_in, draft):
    long_summary = "é" * 501

    response = client_in.post(section_url(draft, "projet"), project_data(summary=long_summary))

    html = response.content.decode()
    draft.refresh_from_db()
    assert draft.summary == ""
    assert "au plus 500 caractères (actuellement 501)" in html
    assert long_summary in html


def test_project_summary_line_breaks_count_once(client_in, draft):
    summary = ("a" * 99 + "\r\n") * 5  # 500 characters as the browser counts them

    client_in.post(section_url(draft, "projet"), project_data(summary=summary))

    draft.refresh_from_db()
    assert len(draft.summary) == 499  # the trailing line break is stripped
    assert "\r" not in draft.summary


def test_project_refuses_an_unknown_theme(client_in, draft):
    response = client_in.post(
        section_url(draft, "projet"), project_data(themes=["nature", "magie"])
    )

    draft.refresh_from_db()
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert draft.themes == []


def test_project_refuses_a_commune_outside_the_territory(client_in, draft):
    response = client_in.post(section_url(draft, "projet"), project_data(communes=["999999"]))

    draft.refresh_from_db()
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert 'href="#communes-fieldset"' in response.content.decode()
    assert draft.title == ""


def test_project_refuses_communes_and_whole_territory_together(client_in, draft):
    lens = Commune.objects.get(insee_code="62498")

    response = client_in.post(
        section_url(draft, "projet"), project_data(communes=[lens.pk], territory_wide="on")
    )

    html = response.content.decode()
    draft.refresh_from_db()
    assert "pas les deux" in html
    assert f'value="{lens.pk}" id="id_communes_{lens.pk}" checked' in html
    assert not draft.territory_wide and not draft.communes.exists()


def test_project_whole_territory_alone_is_saved_and_clears_communes(client_in, draft):
    draft.communes.add(Commune.objects.get(insee_code="62498"))

    client_in.post(section_url(draft, "projet"), project_data(territory_wide="on"))

    draft.refresh_from_db()
    assert draft.territory_wide
    assert not draft.communes.exists()
    assert not any("commune" in item for item in missing_items(draft))


def test_project_page_lists_the_150_communes_by_agglomeration(client_in, draft):
    html = client_in.get(section_url(draft, "projet")).content.decode()

    assert html.count("data-commune-name=") == 150
    assert html.index('data-commune-name="Bénifontaine"') < html.index('data-commune-name="Billy')
    assert html.count("data-commune-group") == 3
    assert 'id="commune-filter"' in html
    assert 'aria-describedby="commune-filter-help commune-filter-count"' in html
    assert 'role="status"' in html


# --- Contribution ---------------------------------------------------------------------------------


def test_contribution_saves_the_four_texts(client_in, draft):
    client_in.post(
        section_url(draft, "contribution"),
        {
            "contribution_transition": "A",
            "contribution_feasibility": "B",
            "contribution_diffusion": "C",
            "contribution_innovation": "D",
            "action": "save",
        },
    )

    draft.refresh_from_db()
    assert draft.answers == {
        "contribution_transition": "A",
        "contribution_feasibility": "B",
        "contribution_diffusion": "C",
        "contribution_innovation": "D",
    }


def test_contribution_refuses_a_text_over_10000_characters(client_in, draft):
    response = client_in.post(
        section_url(draft, "contribution"),
        {
            "contribution_transition": "x" * 10_001,
            "contribution_feasibility": "B",
            "action": "save",
        },
    )

    draft.refresh_from_db()
    assert "au plus 10000 caractères" in response.content.decode()
    assert "contribution_feasibility" not in draft.answers


# --- Budget ---------------------------------------------------------------------------------------


def test_budget_saves_lines_typed_the_french_way_and_skips_empty_rows(client_in, draft):
    lines = [
        {"source": "Région Hauts-de-France", "amount": "12 000,50", "secured": "on"},
        {"source": "Fonds propres", "amount": "7 999,50 €"},
        {"source": "", "amount": ""},
    ]

    response = client_in.post(section_url(draft, "budget"), budget_data(lines), follow=True)

    draft.refresh_from_db()
    assert draft.total_cost == Decimal("20000")
    assert draft.answers["financing_lines"] == [
        {"source": "Région Hauts-de-France", "amount": "12000.50", "secured": True},
        {"source": "Fonds propres", "amount": "7999.50", "secured": False},
    ]
    assert "« Plan de financement » est équilibré" in response.content.decode()


def test_budget_total_different_from_cost_is_saved_with_a_clear_warning(client_in, draft):
    lines = [{"source": "Région", "amount": "5000"}]

    response = client_in.post(section_url(draft, "budget"), budget_data(lines), follow=True)

    html = response.content.decode()
    draft.refresh_from_db()
    assert len(draft.answers["financing_lines"]) == 1
    assert "Le total de « Plan de financement » (5000.00 €) doit être égal au coût total" in html
    assert any("doit être égal au coût total" in item for item in missing_items(draft))


def test_budget_deleting_a_line_removes_it(client_in, applicant, open_wave):
    application = ApplicationFactory(owner=applicant, wave=open_wave, complete=True)
    lines = [
        {"source": "Région Hauts-de-France", "amount": "12000", "secured": "on", "DELETE": "on"},
        {"source": "Fonds propres", "amount": "8000", "secured": "on"},
    ]

    client_in.post(section_url(application, "budget"), budget_data(lines))

    application.refresh_from_db()
    assert [line["source"] for line in application.answers["financing_lines"]] == ["Fonds propres"]


def test_budget_emptying_a_line_removes_it(client_in, applicant, open_wave):
    application = ApplicationFactory(owner=applicant, wave=open_wave, complete=True)
    lines = [
        {"source": "", "amount": "", "secured": "on"},
        {"source": "Fonds propres", "amount": "8000", "secured": "on"},
    ]

    client_in.post(section_url(application, "budget"), budget_data(lines))

    application.refresh_from_db()
    assert [line["source"] for line in application.answers["financing_lines"]] == ["Fonds propres"]


def test_budget_half_filled_line_is_refused_and_kept(client_in, draft):
    lines = [{"source": "Département", "amount": ""}, {"source": "", "amount": "abc"}]

    response = client_in.post(section_url(draft, "budget"), budget_data(lines))

    html = response.content.decode()
    draft.refresh_from_db()
    assert draft.answers == {}
    assert "Ligne 1 : renseignez « Montant (€) »." in html
    assert "Ligne 2 : « Montant (€) » doit être un montant positif." in html
    assert 'value="Département"' in html
    assert 'aria-describedby="id_financing_lines-help id_financing_lines_error"' in html
    assert "Montant (€), ligne 1" in html


def test_budget_refuses_a_negative_cost(client_in, draft):
    response = client_in.post(section_url(draft, "budget"), budget_data(total_cost="-5"))

    draft.refresh_from_db()
    assert "supérieure ou égale à 0" in response.content.decode()
    assert draft.total_cost is None


def test_budget_page_offers_empty_rows_without_javascript(client_in, draft):
    html = client_in.get(section_url(draft, "budget")).content.decode()

    assert 'name="financing_lines-rows" id="id_financing_lines-TOTAL_FORMS" value="3"' in html
    assert "<template data-formset-template>" in html


# --- Consent --------------------------------------------------------------------------------------


def test_consent_given_is_dated_and_kept(client_in, draft):
    client_in.post(section_url(draft, "consentement"), {"consent": "on", "action": "save"})
    draft.refresh_from_db()
    first = draft.consent_given_at

    client_in.post(section_url(draft, "consentement"), {"consent": "on", "action": "save"})
    draft.refresh_from_db()

    assert first is not None
    assert draft.consent_given_at == first


def test_consent_withdrawn_clears_the_date(client_in, applicant, open_wave):
    application = ApplicationFactory(owner=applicant, wave=open_wave, complete=True)

    response = client_in.post(section_url(application, "consentement"), {"action": "continue"})

    application.refresh_from_db()
    assert application.consent_given_at is None
    assert response.url == reverse("applications:dossier_summary", kwargs={"pk": application.pk})
    assert "Acceptez le traitement de vos données personnelles." in missing_items(application)


def test_consent_page_shows_the_notice(client_in, draft):
    html = client_in.get(section_url(draft, "consentement")).content.decode()

    assert "Information sur le traitement de vos données personnelles" in html
    assert reverse("privacy:notice") in html


# --- Editable states and other accounts -----------------------------------------------------------


def test_submitted_application_cannot_be_edited(client_in, applicant, open_wave):
    application = in_state(
        ApplicationFactory(owner=applicant, wave=open_wave, complete=True),
        ApplicationState.SUBMITTED,
    )

    page = client_in.get(section_url(application, "porteur"))
    post = client_in.post(section_url(application, "porteur"), holder_data(holder_name="Autre"))

    application.refresh_from_db()
    assert page.url == reverse("applications:detail", kwargs={"pk": application.pk})
    assert post.url == reverse("applications:detail", kwargs={"pk": application.pk})
    assert application.holder_name == "Association Terre d'Artois"


def test_application_with_changes_requested_can_be_edited(client_in, applicant, open_wave):
    application = in_state(
        ApplicationFactory(owner=applicant, wave=open_wave, complete=True),
        ApplicationState.CHANGES_REQUESTED,
    )

    client_in.post(section_url(application, "porteur"), holder_data(holder_name="Nouveau nom"))

    application.refresh_from_db()
    assert application.holder_name == "Nouveau nom"


OTHER_URLS = [
    ("applications:dossier_summary", {}),
    ("applications:dossier", {"section": "porteur"}),
    ("applications:dossier", {"section": "pieces"}),
]


@pytest.mark.parametrize(("name", "extra"), OTHER_URLS)
def test_another_accounts_dossier_answers_404_and_shows_nothing(client, open_wave, name, extra):
    owner = UserFactory()
    application = ApplicationFactory(owner=owner, wave=open_wave, complete=True)
    intruder = UserFactory()
    login(client, intruder)
    url = reverse(name, kwargs={"pk": application.pk, **extra})

    page = client.get(url)
    post = client.post(url, holder_data(holder_name="Piraté"))

    application.refresh_from_db()
    assert page.status_code == 404
    assert post.status_code == 404
    assert "Jardins partagés" not in page.content.decode()
    assert application.holder_name == "Association Terre d'Artois"


def test_instruction_staff_cannot_use_the_applicants_editor(client, instruction_user, draft):
    login(client, instruction_user)

    assert client.get(section_url(draft, "porteur")).status_code == 404


def test_editor_sends_anonymous_visitors_to_login(client, draft):
    response = client.get(section_url(draft, "porteur"))

    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


# --- Checklist and summary ------------------------------------------------------------------------


def test_checklist_gives_every_missing_item_of_an_empty_dossier_a_section(draft):
    rows, other = dossier_checklist(draft)

    claimed = [item for row in rows for item in row["missing"]]
    assert other == []
    assert sorted(claimed) == sorted(missing_items(draft))
    assert not any(row["complete"] for row in rows)


def test_checklist_puts_an_unbalanced_plan_in_the_budget_section(applicant, open_wave):
    application = ApplicationFactory(owner=applicant, wave=open_wave, complete=True)
    application.answers["financing_lines"] = application.answers["financing_lines"][:1]
    application.save()

    rows, other = dossier_checklist(application)

    by_slug = {row["section"].slug: row for row in rows}
    assert other == []
    assert not by_slug["budget"]["complete"]
    assert "doit être égal au coût total" in by_slug["budget"]["missing"][0]
    assert all(row["complete"] for slug, row in by_slug.items() if slug != "budget")


def test_summary_lists_what_is_missing_with_links_to_sections(client_in, draft):
    response = client_in.get(reverse("applications:dossier_summary", kwargs={"pk": draft.pk}))

    html = response.content.decode()
    assert "Le dossier n'est pas encore complet" in html
    for item in missing_items(draft):
        assert str(item).replace("'", "&#x27;") in html
    assert f'href="{section_url(draft, "budget")}"' in html


def test_summary_of_a_complete_draft_links_to_the_submit_page(client_in, applicant, open_wave):
    application = ApplicationFactory(owner=applicant, wave=open_wave, complete=True)

    html = client_in.get(
        reverse("applications:dossier_summary", kwargs={"pk": application.pk})
    ).content.decode()

    assert "Votre dossier est complet." in html
    assert reverse("applications:submit", kwargs={"pk": application.pk}) in html


# --- Service --------------------------------------------------------------------------------------


def test_update_section_writes_only_the_given_fields(applicant, open_wave):
    application = ApplicationFactory(owner=applicant, wave=open_wave, complete=True)

    services.application_update_section(
        application=application, by=applicant, section="porteur", values={"city": "Liévin"}
    )

    application.refresh_from_db()
    assert application.city == "Liévin"
    assert application.holder_name == "Association Terre d'Artois"


def test_update_section_refuses_a_field_of_another_section(applicant, draft):
    with pytest.raises(ValueError, match="do not belong"):
        services.application_update_section(
            application=draft, by=applicant, section="porteur", values={"title": "Autre"}
        )


def test_update_section_refuses_another_account(draft):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.application_update_section(
            application=draft, by=UserFactory(), section="porteur", values={"city": "Lens"}
        )
