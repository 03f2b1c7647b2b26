"""The page types checked by the accessibility tests (axe-core, Nu HTML checker, screenshots).

To check a new page, add a `PageCase` to `PAGES`:

    PageCase("appel", "/appel/")                                   # a public page
    PageCase("mon-espace", "/mon-espace/", user="applicant")       # logged in
    PageCase(
        "dossier-detail",
        lambda user: reverse("applications:detail", args=[ApplicationFactory(owner=user).pk]),
        user="applicant",
        screenshot=True,
    )
    PageCase("inscription-erreurs", "/comptes/inscription/", form={"email": "x"})

`user` names a fixture of tests/conftest.py (applicant, instruction_user, reviewer,
jury_member); a callable `path` receives that user (or None) and creates with the factories
whatever the page needs, then returns the path. The test database is fresh for every case.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.csp import build_policy

from tests.e2e import page_data as data


@dataclass(frozen=True)
class PageCase:
    """One page type: where it is, who looks at it, what it should answer."""

    name: str
    """Test id, and file name of the screenshot in docs/screenshots/ (`<name>.png`)."""
    path: str | Callable
    """The path, or a callable `(user) -> path` that creates the objects the page shows."""
    user: str | None = None
    """Fixture name of the logged-in user; None for an anonymous visitor."""
    status: int = 200
    form: dict = field(default_factory=dict)
    """Fields to fill and submit (by name) once the page is open: checks the page with errors."""
    serve: Callable[[], HttpResponse] | None = None
    """For a page no request can reach on purpose (the 500 page): builds the response,
    which the browser receives for `path` instead of asking the live server."""
    screenshot: bool = False

    def prepare(self, request):
        """Create the user and the page's objects; return (user, path)."""
        user = request.getfixturevalue(self.user) if self.user else None
        path = self.path(user) if callable(self.path) else self.path
        return user, path


def _server_error_response():
    """The 500 page as the handler renders it, with the portal's security policy."""
    from label.views.pages import server_error

    response = server_error(RequestFactory().get("/"))
    response.headers["Content-Security-Policy"] = build_policy(settings.SECURE_CSP)
    return response


def _lockout_response():
    """The page django-axes shows after too many failed logins."""
    from django.shortcuts import render

    response = render(RequestFactory().get("/"), settings.AXES_LOCKOUT_TEMPLATE, status=429)
    response.headers["Content-Security-Policy"] = build_policy(settings.SECURE_CSP)
    return response


def _jury_deliberation(user):
    """A wave with three reviewed files in deliberation, one with its pending decision."""
    from django.urls import reverse

    from tests.factories import WaveFactory
    from tests.factories.jury import decision_for, file_in_deliberation
    from tests.factories.reviews import grid_for

    wave = WaveFactory(number=11)
    grid_for(wave)
    files = [
        file_in_deliberation(
            wave,
            title=title,
            reviews=[{"value": value, "shared_comment": "Projet solide."}, {"value": value - 1}],
        )
        for title, value in (("Jardins partagés", 5), ("Ressourcerie", 3), ("Fresque", 2))
    ]
    decision_for(files[0])
    return reverse("reviews:jury_wave", args=[wave.pk])


WRONG_LOGIN = {"username": "personne-inconnue@example.org", "password": "pas-le-bon-mot"}
BAD_SIGN_UP = {
    "full_name": "",
    "email": "pas-une-adresse",
    "password1": "court",
    "password2": "different",
}

PAGES = [
    # Public pages
    PageCase("accueil", "/", screenshot=True),
    PageCase("accessibilite", "/accessibilite/", screenshot=True),
    PageCase("mentions-legales", "/mentions-legales/"),
    PageCase("donnees-personnelles", "/donnees-personnelles/"),
    PageCase("api-documentation", "/api/docs/"),
    # Accounts
    PageCase("connexion", "/comptes/connexion/", screenshot=True),
    PageCase("connexion-erreur", "/comptes/connexion/", form=WRONG_LOGIN),
    PageCase(
        "connexion-bloquee", "/comptes/connexion/bloquee/", status=429, serve=_lockout_response
    ),
    PageCase("inscription", "/comptes/inscription/", screenshot=True),
    PageCase("inscription-erreurs", "/comptes/inscription/", form=BAD_SIGN_UP, screenshot=True),
    PageCase("inscription-envoyee", "/comptes/inscription/envoyee/"),
    PageCase("confirmation-invalide", "/comptes/confirmer/MQ/lien-perime/", status=400),
    PageCase("reinitialiser", "/comptes/reinitialiser/"),
    PageCase("reinitialiser-envoye", "/comptes/reinitialiser/envoye/"),
    PageCase("reinitialiser-lien-invalide", "/comptes/reinitialiser/MQ/lien-perime/"),
    PageCase("profil", "/comptes/profil/", user="applicant", screenshot=True),
    PageCase("mot-de-passe", "/comptes/mot-de-passe/", user="applicant"),
    PageCase("mes-donnees", "/comptes/mes-donnees/", user="applicant"),
    PageCase("supprimer-mon-compte", "/comptes/mes-donnees/supprimer/", user="applicant"),
    # The second factor
    PageCase("double-authentification", "/comptes/double-authentification/", user="applicant"),
    PageCase(
        "double-authentification-activer",
        "/comptes/double-authentification/activer/",
        user="applicant",
    ),
    # Public pages showing data (after the account pages: "confirmation-invalide" needs an
    # account number 1 that does not exist yet when the HTML check shares one database)
    PageCase("appel", data.call_page, screenshot=True),
    PageCase("verification", data.verification, screenshot=True),
    PageCase("projets", data.catalogue_list, screenshot=True),
    PageCase("projet", data.catalogue_detail, screenshot=True),
    PageCase("projets-statistiques", data.catalogue_stats),
    PageCase("projets-carte", data.catalogue_map),
    PageCase("integrer", data.widget_help),
    PageCase("integrer-widget", data.widget_page),
    PageCase("donnees", data.opendata_page),
    # Areas by role
    PageCase("accueil-connecte", "/", user="instruction_user"),
    PageCase("mon-espace", "/mon-espace/", user="applicant"),
    # Applicant area: the list, the editor's sections, the file, its moves
    PageCase("mon-espace-candidatures", data.applicant_list, user="applicant"),
    PageCase("dossier-porteur", data.dossier_section("porteur"), user="applicant"),
    PageCase(
        "dossier-projet",
        data.dossier_section("projet", complete=True),
        user="applicant",
        screenshot=True,
    ),
    PageCase("dossier-projet-vide", data.dossier_section("projet"), user="applicant"),
    PageCase("dossier-contribution", data.dossier_section("contribution"), user="applicant"),
    PageCase("dossier-budget", data.dossier_section("budget", complete=True), user="applicant"),
    PageCase("dossier-pieces", data.dossier_section("pieces", complete=True), user="applicant"),
    PageCase("dossier-consentement", data.dossier_section("consentement"), user="applicant"),
    PageCase("dossier-recapitulatif", data.dossier_summary, user="applicant"),
    PageCase("candidature", data.applicant_detail, user="applicant", screenshot=True),
    PageCase("candidature-labellisee", data.applicant_detail_labelled, user="applicant"),
    PageCase("deposer", data.submit_confirmation, user="applicant"),
    PageCase("completer", data.resubmit, user="applicant"),
    PageCase("completer-erreurs", data.resubmit, user="applicant", form={"reply": ""}),
    PageCase("instruction", "/instruction/", user="instruction_user"),
    # Instruction area: the dashboard, a file, the review process of a wave
    PageCase("instruction-tableau", data.staff_list, user="instruction_user", screenshot=True),
    PageCase("instruction-dossier", data.staff_detail, user="instruction_user"),
    PageCase(
        "instruction-dossier-evaluations", data.staff_detail_in_review, user="instruction_user"
    ),
    PageCase("instruction-grille", data.criteria_grid, user="instruction_user"),
    PageCase("instruction-comites", data.committees, user="instruction_user"),
    PageCase("instruction-attributions", data.assignment_board, user="instruction_user"),
    PageCase("instruction-classement", data.ranking, user="instruction_user"),
    PageCase("evaluations", "/evaluations/", user="reviewer"),
    # Reviewer area: the assigned files, the engagement, the grid
    PageCase("evaluations-dossiers", data.reviewer_list, user="reviewer"),
    PageCase("evaluation-engagement", data.engagement, user="reviewer"),
    PageCase("evaluation", data.review_form, user="reviewer", screenshot=True),
    PageCase("jury", "/jury/", user="jury_member"),
    PageCase("jury-deliberation", _jury_deliberation, user="jury_member", screenshot=True),
    PageCase("jury-dossier", data.jury_file, user="jury_member"),
    # The wave's steering: its pages, the announcement, the follow-up of labelled projects
    PageCase("vagues", data.wave_list, user="instruction_user"),
    PageCase("vague-modifier", data.wave_update, user="instruction_user"),
    PageCase("vague-courriers", data.wave_mail_texts, user="instruction_user"),
    PageCase(
        "vague-courriers-erreur",
        data.wave_mail_texts,
        user="instruction_user",
        form={"refused-body": "Bonjour %(prenom)s"},
        status=400,
    ),
    PageCase("vague-recevabilite", data.wave_eligibility, user="instruction_user"),
    PageCase("instruction-jury", data.jury_composition, user="instruction_user"),
    PageCase("annonce", data.announcement, user="instruction_user"),
    PageCase("suivi", "/instruction/suivi/", user="instruction_user"),
    # Errors
    PageCase("acces-refuse", "/instruction/", user="applicant", status=403),
    PageCase("page-introuvable", "/page-qui-n-existe-pas/", status=404),
    PageCase("erreur-serveur", "/erreur-serveur/", status=500, serve=_server_error_response),
]
