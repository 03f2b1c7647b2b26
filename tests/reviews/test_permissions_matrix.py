"""Every role against every instruction and review view (DESIGN.md §4), in one matrix.

The routes are collected from the URL configuration — every route of the reviews app, and
every route of the applications app under instruction/ — so a view added later is covered:
a reviews route missing from EXPECTED, or a URL parameter nobody knows how to fill, fails
the suite. Each route is requested with GET, then an empty POST, by each role; a refusal
must be a 403/404 (a login redirect for anonymous visitors) and change nothing.
"""

from datetime import date

import pytest
from django.conf import settings
from django.urls import URLResolver, get_resolver, reverse

from applications.enums import ApplicationState
from applications.models import Application, Attachment
from label.enums import Role
from reviews.models import (
    AdvisoryPanel,
    Assignment,
    Committee,
    Criterion,
    JuryDecision,
    JurySession,
    Recusal,
    Review,
    Score,
    SessionItem,
)
from tests.conftest import login
from tests.factories import AssignmentFactory, CommitteeFactory, UserFactory
from tests.factories.reviews import (
    ReviewerFactory,
    application_in_state,
    grid_for,
    review_with_scores,
)

ROLES = [
    "anonymous",
    "applicant_owner",
    "other_applicant",
    "reviewer_assigned",
    "reviewer_not_assigned",
    "reviewer_with_conflict",
    "jury",
    "instruction",
]
REVIEWERS = {"reviewer_assigned", "reviewer_not_assigned", "reviewer_with_conflict"}


def _collect_routes():
    """(namespace, name, route, parameter names) of every route the matrix covers."""
    routes = []
    for entry in get_resolver().url_patterns:
        if not isinstance(entry, URLResolver):
            continue
        if entry.namespace not in {"reviews", "applications"}:
            continue
        for pattern in entry.url_patterns:
            route = str(pattern.pattern)
            if entry.namespace == "applications" and not route.startswith("instruction/"):
                continue
            routes.append((entry.namespace, pattern.name, route, tuple(pattern.pattern.converters)))
    return routes


ROUTES = _collect_routes()

# Who may use each route of the reviews app; anonymous visitors are always sent to log in.
ALL_REVIEWERS = REVIEWERS
ONLY_ASSIGNED = {"reviewer_assigned"}
STAFF = {"instruction"}
JURY_AND_STAFF = {"jury", "instruction"}
EXPECTED = {
    "reviewer_home": ALL_REVIEWERS,
    "reviewer_profile": ALL_REVIEWERS,
    "review": ONLY_ASSIGNED,
    "engagement": ONLY_ASSIGNED,
    # Confidentiality is already accepted on the assigned reviewer's file: nobody may again.
    "accept": set(),
    "conflict": ONLY_ASSIGNED,
    "attachment": ONLY_ASSIGNED,
    "jury_home": JURY_AND_STAFF,
    "jury_profile": {"jury"},
    "jury_wave": JURY_AND_STAFF,
    # The wave does not delegate decisions to the jury: staff record sessions and decisions.
    "jury_session_create": STAFF,
    "jury_session_update": STAFF,
    "jury_minutes": JURY_AND_STAFF,
    # The jury in session: staff lead it, the members convened (the jury role here) follow.
    "jury_session_open": STAFF,
    "jury_session_live": JURY_AND_STAFF,
    "jury_session_screen": JURY_AND_STAFF,
    "jury_session_minutes": JURY_AND_STAFF,
    "jury_session_action": JURY_AND_STAFF,
    "jury_session_item_action": JURY_AND_STAFF,
    # An advisory panel's page is its members' (the jury member sits on the world's panel).
    "advisory_panel": {"jury"},
    "jury_file": JURY_AND_STAFF,
    "jury_decision": STAFF,
    "jury_recuse": {"jury"},
    "announce": STAFF,
    "jury_composition": STAFF,
    "revoke_label": STAFF,
    "criteria_grid": STAFF,
    "committees": STAFF,
    "committee_update": STAFF,
    "assignments": STAFF,
    "assignment_create": STAFF,
    "assignment_auto": STAFF,
    "ranking": STAFF,
    "staff_review": STAFF,
    "review_reopen": STAFF,
    "send_to_jury": STAFF,
}
# What `pk` designates in each reviews route (in the applications app, the application).
PK_OF = {
    "review": "assignment",
    "engagement": "assignment",
    "accept": "assignment",
    "conflict": "assignment",
    "attachment": "assignment",
    "committee_update": "committee",
    "staff_review": "review",
    "review_reopen": "review",
    "send_to_jury": "application",
    "jury_session_update": "session",
    "jury_session_live": "session",
    "jury_session_screen": "session",
    "jury_session_minutes": "session",
    "jury_session_action": "session",
    "jury_session_item_action": "session",
    "jury_file": "deliberation_file",
    "jury_decision": "deliberation_file",
    "jury_recuse": "deliberation_file",
    "revoke_label": "application",
}
# In the applications app, `pk` is the application's, except for the staff exports' routes.
APPLICATIONS_PK_OF = {
    "instruction_job": "export_job",
    "instruction_job_state": "export_job",
    "instruction_job_retry": "export_job",
    "instruction_export_download": "export_job",
}


def _expected(namespace, name):
    if namespace == "applications":
        return STAFF  # the whole instruction area is for staff only
    if name not in EXPECTED:
        pytest.fail(f"reviews:{name} is missing from EXPECTED: say which roles may use it.")
    return EXPECTED[name]


@pytest.fixture
def world(roles):
    """One file under review and a person for every role around it."""
    owner = UserFactory(roles=[Role.APPLICANT])
    people = {
        "applicant_owner": owner,
        "other_applicant": UserFactory(roles=[Role.APPLICANT]),
        "reviewer_assigned": ReviewerFactory(),
        "reviewer_not_assigned": ReviewerFactory(),
        "reviewer_with_conflict": ReviewerFactory(),
        "jury": UserFactory(roles=[Role.APPLICANT, Role.JURY]),
        "instruction": UserFactory(roles=[Role.APPLICANT, Role.INSTRUCTION]),
    }
    application = application_in_state(owner=owner)
    wave = application.wave
    grid_for(wave)
    colleague = ReviewerFactory()
    committee = CommitteeFactory(
        wave=wave,
        members=[
            people["reviewer_assigned"],
            people["reviewer_not_assigned"],
            people["reviewer_with_conflict"],
            colleague,
        ],
    )
    assigned = AssignmentFactory(
        application=application, reviewer=people["reviewer_assigned"], accepted=True
    )
    review_with_scores(assigned, 3, submitted=False)
    conflicted = AssignmentFactory(
        application=application, reviewer=people["reviewer_with_conflict"], conflicted=True
    )
    submitted = review_with_scores(
        AssignmentFactory(application=application, reviewer=colleague, accepted=True),
        4,
        private_comment="Réservé au jury",
    )
    # The jury's side: a file of the same holder in deliberation, a session of the wave.
    deliberation_file = application_in_state(ApplicationState.DELIBERATION, wave=wave, owner=owner)
    review_with_scores(
        AssignmentFactory(application=deliberation_file, reviewer=colleague, accepted=True),
        4,
        private_comment="Réservé au jury",
    )
    session = JurySession.objects.create(wave=wave, held_on=date(2026, 10, 14), place="Lens")
    session.members_convened.set([people["jury"]])
    item = SessionItem.objects.create(session=session, application=deliberation_file, position=1)
    panel = AdvisoryPanel.objects.create(wave=wave, name="Jury jeunes")
    panel.members.set([people["jury"]])
    objects = {
        "application": application,
        "deliberation_file": deliberation_file,
        "session": session,
        "item": item,
        "panel": panel,
        "wave": wave,
        "committee": committee,
        "review": submitted,
        "attachment": Attachment.objects.filter(application=application).first(),
        "assignment": assigned,
        "conflicted_assignment": conflicted,
        "export_job": _written_export(wave),
    }
    return people, objects


def _written_export(wave):
    """An export of the staff table, written (applications/export_jobs.py)."""
    from applications.export_jobs import export_job_run
    from applications.models import ExportJob

    job = ExportJob.objects.create(wave=wave, parameters={})
    export_job_run(job.pk)
    return job


def _kwargs(namespace, name, parameters, role, objects):
    kwargs = {}
    for parameter in parameters:
        if parameter == "wave_pk":
            kwargs[parameter] = objects["wave"].pk
        elif parameter == "attachment_pk":
            kwargs[parameter] = objects["attachment"].pk
        elif parameter == "item_pk":
            kwargs[parameter] = objects["item"].pk
        elif parameter == "panel_pk":
            kwargs[parameter] = objects["panel"].pk
        elif parameter == "action":
            # The one action of each route a member may send: check in, or vote.
            kwargs[parameter] = "vote" if name == "jury_session_item_action" else "presence"
        elif parameter == "pk":
            of = PK_OF if namespace == "reviews" else APPLICATIONS_PK_OF
            kind = of.get(name, "application")
            if kind == "assignment" and role == "reviewer_with_conflict":
                kind = "conflicted_assignment"  # their own file, which they stood down from
            kwargs[parameter] = objects[kind].pk
        else:
            pytest.fail(f"{namespace}:{name} has a parameter <{parameter}> the matrix cannot fill.")
    return kwargs


def _fingerprint():
    """The state a refused request must leave untouched."""
    return (
        list(Application.objects.order_by("pk").values_list("pk", "state")),
        list(
            Assignment.objects.order_by("pk").values_list(
                "pk", "confidentiality_accepted_at", "conflict_declared_at"
            )
        ),
        list(Review.objects.order_by("pk").values_list("pk", "state", "updated_at")),
        list(Score.objects.order_by("pk").values_list("pk", "value")),
        list(Committee.objects.order_by("pk").values_list("pk", "name")),
        list(Criterion.objects.order_by("pk").values_list("pk", "weight", "code")),
        list(JuryDecision.objects.order_by("pk").values_list("pk", "outcome", "motivation")),
        list(Recusal.objects.filter(automatic=False).order_by("pk").values_list("pk")),
        list(JurySession.objects.order_by("pk").values_list("pk", "held_on", "place")),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("namespace", "name", "route", "parameters"),
    ROUTES,
    ids=[f"{namespace}:{name}" for namespace, name, _route, _p in ROUTES],
)
def test_permission_matrix(client, world, namespace, name, route, parameters, role):
    people, objects = world
    allowed = role in _expected(namespace, name)
    if role != "anonymous":
        login(client, people[role])
    url = reverse(f"{namespace}:{name}", kwargs=_kwargs(namespace, name, parameters, role, objects))

    for method in ("get", "post"):
        before = _fingerprint()
        response = getattr(client, method)(url)
        # Reading a streamed file to the end lets the test client close it.
        body = b"".join(response) if response.streaming else response.content
        where = (url, role, method, response.status_code)

        if role == "anonymous":
            assert response.status_code == 302, where
            assert response["Location"].startswith(reverse(settings.LOGIN_URL)), where
            assert _fingerprint() == before, where
        elif allowed:
            assert response.status_code not in (403, 404), where
            assert response.status_code < 500, where
            if response.status_code == 302:
                assert not response["Location"].startswith(reverse(settings.LOGIN_URL)), where
        else:
            assert response.status_code in (403, 404), where
            assert _fingerprint() == before, f"a refused request changed something: {where}"
            assert "Réservé au jury".encode() not in body, where


def test_matrix_covers_the_review_and_instruction_views():
    names = {(namespace, name) for namespace, name, _route, _params in ROUTES}
    assert {("reviews", name) for name in EXPECTED} <= names
    assert ("applications", "instruction_home") in names
    # Every reviews route has an expectation (new routes must be added to EXPECTED).
    assert {name for namespace, name in names if namespace == "reviews"} == set(EXPECTED)
