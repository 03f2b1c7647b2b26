"""Insecure direct object references: every route that takes an id, aimed at the victim's
objects by every role that has no business there. Nothing may be shown or changed.

The routes are read from the URL configuration, so a view added later is attacked too: a
route whose area or parameter this file does not know fails the suite until it is taught
here (AREAS, the `_object_for` table).
"""

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from callforms.models import Question, Section
from tests.conftest import DEMO_PASSWORD
from tests.security.conftest import SECRET, fingerprint

pytestmark = pytest.mark.django_db

# Who attacks each area of the site (URL prefix): everyone but those it is meant for.
AREAS = {
    # The applicant area: the owner only. The assigned reviewer and the jury try too.
    "mon-espace/": {"other_applicant", "reviewer", "jury_member", "instruction", "anonymous"},
    "instruction/": {"owner", "other_applicant", "reviewer", "jury_member", "anonymous"},
    "evaluations/": {
        "owner",
        "other_applicant",
        "reviewer_not_assigned",
        "jury_member",
        "anonymous",
    },
    "jury/": {"owner", "other_applicant", "reviewer", "anonymous"},
    "certificats/": {"other_applicant", "reviewer", "jury_member", "anonymous"},
    # The account's own pages that take an id: its passkeys.
    "comptes/": {"other_applicant", "reviewer", "jury_member", "instruction", "anonymous"},
}
# Applicant-area routes the instruction team may use on any file (DESIGN.md §4: staff see
# every file): the documents and the receipt.
SHARED_WITH_STAFF = {
    "applications:attachment_download",
    "applications:receipt",
    "applications:dossier_pdf",
    # A holder's proposed project photo: staff look at it before deciding.
    "catalogue:photo_file",
}
# A POST that would do harm if any check were missing: fields of the usual forms.
HARMFUL_POST = {
    "title": f"{SECRET} piraté",
    "holder_name": "Pirate",
    "body": "Message pirate",
    "message-body": "Message pirate",
    "note-body": "Note pirate",
    "reply": "Réponse pirate",
    "reason": "Raison pirate",
    "request_changes-message": "Complétez",
    "declare_ineligible-motivation": "Non",
    "not_select-motivation": "Non",
    "reopen-reason": "Oui",
    "motivation": "Non",
    "confirm": "on",
    "accept": "on",
    "password": DEMO_PASSWORD,
    "outcome": "refused",
    "shared_comment": "Commentaire pirate",
    "place": "Ailleurs",
    "held_on": "2026-10-15",
}


# Routes with an id that anyone may open: what they serve is public (a published cahier; an
# unpublished one answers 404, tests/booklets).
PUBLIC_BY_DESIGN = {("booklets", "download")}


def _int_routes():
    """(namespace, name, route, parameters) of every named route that takes an integer id."""
    routes = []
    for entry in get_resolver().url_patterns:
        if not isinstance(entry, URLResolver) or entry.namespace not in {
            "label",
            "accounts",
            "applications",
            "reviews",
            "certificates",
            "catalogue",
            "privacy",
            "callforms",
            "booklets",
        }:
            continue
        for pattern in entry.url_patterns:
            if (entry.namespace, pattern.name) in PUBLIC_BY_DESIGN:
                continue
            converters = pattern.pattern.converters
            if any(isinstance(converter, IntConverter) for converter in converters.values()):
                routes.append(
                    (entry.namespace, pattern.name, str(pattern.pattern), tuple(converters))
                )
    return routes


ROUTES = _int_routes()


def _area(route):
    for prefix in AREAS:
        if route.startswith(prefix):
            return prefix
    pytest.fail(f"Route {route!r} is in no known area: add it to AREAS in {__name__}.")


def _file_for(view_name, route, world):
    """The victim's files a route is aimed at (the most tempting ones)."""
    if route.startswith("mon-espace/"):
        return [world.files["draft"], world.files["filed"]]
    if view_name in {"reviews:jury_file", "reviews:jury_decision", "reviews:jury_recuse"}:
        return [world.files["deliberation"]]
    if view_name == "reviews:send_to_jury":
        return [world.files["in_review"]]
    if view_name in {"reviews:revoke_label"} or view_name.startswith("certificates:"):
        return [world.files["labelled"]]
    return [world.files["filed"]]


def _object_for(view_name, parameter, application, world):
    namespace = view_name.split(":")[0]
    if parameter == "wave_pk":
        return world.wave.pk
    if parameter == "section":
        # The editor's sections: the first one with a form (all share the same checks).
        return "projet"
    if parameter == "application_pk":
        return application.pk
    if parameter == "action":
        # The jury session's actions a member may send: check in, or vote on an item.
        return "vote" if view_name.endswith("item_action") else "presence"
    if parameter in {"item_pk", "panel_pk"}:
        # An agenda item or an advisory panel the attacker is not convened to or part of.
        return application.pk
    if parameter == "attachment_pk":
        if namespace == "reviews":
            return world.attachment("in_review").pk
        return application.attachments.first().pk
    if parameter == "pk" and view_name.startswith("accounts:passkey_"):
        return world.passkey().pk
    if parameter == "number":
        return world.wave.number
    if parameter == "version":
        return world.booklet.version
    if parameter == "pk" and namespace == "callforms":
        model = Section if "section" in view_name else Question
        return model.objects.filter(**{_FORM_OF[model]: world.wave}).first().pk
    if parameter == "pk" and view_name.startswith("catalogue:photo_"):
        return world.project_photo.pk
    if parameter == "pk":
        table = {
            "certificates:download": world.certificate.pk,
            "label:wave_update": world.wave.pk,
            "label:wave_mail_texts": world.wave.pk,
            "label:wave_eligibility": world.wave.pk,
            "reviews:review": world.assignment.pk,
            "reviews:engagement": world.assignment.pk,
            "reviews:accept": world.assignment.pk,
            "reviews:conflict": world.assignment.pk,
            "reviews:attachment": world.assignment.pk,
            "reviews:staff_review": world.review.pk,
            "reviews:review_reopen": world.review.pk,
            "reviews:committee_update": world.committee.pk,
            "reviews:jury_session_update": world.jury_session.pk,
        }
        if view_name in table:
            return table[view_name]
        if namespace == "applications" or view_name.startswith("reviews:jury_"):
            return application.pk
        if view_name in {"reviews:send_to_jury", "reviews:revoke_label"}:
            return application.pk
    pytest.fail(f"{view_name}: nobody told {__name__} what its parameter {parameter!r} designates.")


_FORM_OF = {Section: "form__wave", Question: "section__form__wave"}


def _refused(role, response):
    if response.status_code in (403, 404, 405):
        return True
    if role == "anonymous":
        location = response.get("Location", "")
        return (
            response.status_code == 302 and location.startswith(reverse(settings.LOGIN_URL))
        ) or (response.status_code == 401)
    return False


@pytest.mark.parametrize(
    ("namespace", "name", "route", "parameters"),
    ROUTES,
    ids=[f"{namespace}:{name}" for namespace, name, _route, _params in ROUTES],
)
def test_other_peoples_ids_are_refused_and_change_nothing(
    world, namespace, name, route, parameters
):
    view_name = f"{namespace}:{name}"
    attackers = set(AREAS[_area(route)])
    if view_name in SHARED_WITH_STAFF:
        attackers.discard("instruction")
    clients = world.clients(sorted(attackers))
    before = fingerprint()

    for application in _file_for(view_name, route, world):
        kwargs = {
            parameter: _object_for(view_name, parameter, application, world)
            for parameter in parameters
        }
        url = reverse(view_name, kwargs=kwargs)
        for role, client in clients.items():
            for method in ("get", "post"):
                response = client.get(url) if method == "get" else client.post(url, HARMFUL_POST)
                where = (url, role, method, response.status_code)
                assert _refused(role, response), where
                # Reading a streamed file to its end lets the test client close it the way a
                # WSGI server does (closing it by hand would also close the test database's
                # connection on PostgreSQL).
                content = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
                assert SECRET.encode() not in content, where

    assert fingerprint() == before


def test_the_attack_covers_the_routes_of_every_area():
    """If routes with ids disappeared from the resolver, this test would test nothing."""
    areas = {_area(route) for _namespace, _name, route, _params in ROUTES}

    assert areas == set(AREAS)
    assert len(ROUTES) >= 30


# --- The admin ----------------------------------------------------------------------------------


def _admin_object_urls(world):
    """The change, delete and history pages of one real object of every admin model."""
    urls = []
    for model in admin.site._registry:
        obj = model._base_manager.order_by("pk").first()
        if obj is None:
            continue
        info = (model._meta.app_label, model._meta.model_name)
        for page in ("change", "delete", "history"):
            urls.append(reverse(f"admin:{info[0]}_{info[1]}_{page}", args=[obj.pk]))
    return urls


def test_admin_object_pages_are_closed_to_non_staff_accounts(world):
    clients = world.clients(["owner", "other_applicant", "reviewer", "jury_member", "instruction"])
    urls = _admin_object_urls(world)
    before = fingerprint()

    for url in urls:
        for role, client in clients.items():
            for response in (client.get(url), client.post(url, {"post": "yes", **HARMFUL_POST})):
                where = (url, role, response.status_code)
                assert response.status_code == 302, where
                assert response["Location"].startswith(reverse("admin:login")), where
                assert SECRET.encode() not in response.content, where

    assert len(urls) >= 15
    assert fingerprint() == before
