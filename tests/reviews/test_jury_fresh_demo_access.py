"""What the demo jury account reads on a fresh demo, and why the outside attack saw 404s.

The outside attack (security/attack.py, security/README.md) reported that the demo jury member
got 404 on « the files in deliberation » during its GET phase and read them after its POST
phase. On a fresh demo the jury reads both files in deliberation and their documents; the
attack did not aim at them: its victims are the files no attacking role owns *and the demo
reviewer has no assignment on*, and the demo assigns that reviewer to every file that reaches
the jury. Its victims from the demo are therefore files never before the jury, for which 404
is the designed answer. During the POST phase, staff's POSTs « retenir » then « transmettre au
jury » (an empty form: no assignment, so no review pending) carry the eligible victim into
deliberation, and from then on the jury reads it, as it should.

Since then the attack's --prepare gives the victim holder a file in deliberation with no
reviewer assigned, and the attack expects the jury to read it (a refusal is a finding) and no
other attacking role but instruction to (tests below).
"""

import html
import importlib.util
import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from applications.enums import ApplicationState
from applications.models import Application
from label.models import User, Wave
from reviews.rules import JURY_STATES
from tests.conftest import login

pytestmark = pytest.mark.django_db

JURY = "jury@example.org"
STAFF = "instruction@example.org"
REVIEWER = "expert@example.org"
S = ApplicationState


@pytest.fixture
def demo():
    call_command("seed_demo", "--force", stdout=StringIO())


def _get(client, url):
    """The status of a GET, the body of a document read to the end (which closes its file).

    Not response.close(): it sends request_finished, which closes the database connection in
    the middle of the test's transaction (PostgreSQL then refuses every later query)."""
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)
    return response.status_code


def _file_url(application):
    return reverse("reviews:jury_file", args=[application.pk])


def _document_url(application):
    attachment = application.attachments.order_by("pk").first()
    return reverse("applications:attachment_download", args=[application.pk, attachment.pk])


def _linked_files(client, wave):
    """The pks of the files the jury's board of `wave` links to."""
    page = client.get(reverse("reviews:jury_wave", args=[wave.pk])).content.decode()
    return {int(pk) for pk in re.findall(r'href="/jury/dossiers/(\d+)/"', page)}


def test_fresh_demo_jury_reads_every_file_in_deliberation_and_its_documents(client, demo):
    in_deliberation = list(Application.objects.filter(state=S.DELIBERATION).order_by("pk"))
    login(client, User.objects.get(email=JURY))

    answers = {
        application.title: (
            _get(client, _file_url(application)),
            _get(client, _document_url(application)),
        )
        for application in in_deliberation
    }

    assert answers == {
        "Forêt urbaine de Loos-en-Gohelle": (200, 200),
        "Tiers-lieu de Noeux-les-Mines": (200, 200),
    }
    # The board of the open wave links to exactly these files.
    assert _linked_files(client, Wave.objects.get(number=11)) == {
        application.pk for application in in_deliberation
    }


def test_fresh_demo_jury_is_kept_from_the_files_not_in_deliberation(client, demo):
    login(client, User.objects.get(email=JURY))
    decided = Application.objects.filter(state__in=JURY_STATES - {S.DELIBERATION})
    never_before_the_jury = Application.objects.exclude(state__in=JURY_STATES)

    decided_answers = {
        (_get(client, _file_url(application)), _get(client, _document_url(application)))
        for application in decided
    }
    other_answers = {_get(client, _file_url(application)) for application in never_before_the_jury}
    other_documents = {
        _get(client, _document_url(application))
        for application in never_before_the_jury
        if application.attachments.exists()
    }

    assert decided.count() == 6
    assert never_before_the_jury.count() == 11
    # Decided files: the jury's reading ended with the deliberation (DESIGN.md §4); its board
    # names them without a link, so no jury member is sent to a refusal.
    assert decided_answers == {(403, 404)}
    announced_wave = Wave.objects.get(number=10)
    assert _linked_files(client, announced_wave) == set()
    board = client.get(reverse("reviews:jury_wave", args=[announced_wave.pk]))
    assert (
        "La délibération de ces dossiers est close : leur page n'est plus ouverte aux "
        "membres du jury, seule leur décision reste indiquée ici."
    ) in html.unescape(board.content.decode())
    # Files never before the jury do not exist for it.
    assert other_answers == {404}
    assert other_documents == {404}


def _attack():
    """security/attack.py as a module (it is a script, not a package of the portal)."""
    path = Path(settings.BASE_DIR) / "security" / "attack.py"
    spec = importlib.util.spec_from_file_location("security_attack", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_attacks_victims_from_the_demo_never_went_before_the_jury(demo):
    attack = _attack()
    reviewer = User.objects.get(email=REVIEWER)

    victims = attack.Victims()

    assert sorted(victims.applications) == sorted(
        state.value
        for state in (S.SUBMITTED, S.INELIGIBLE, S.ELIGIBLE, S.NOT_SELECTED, S.WITHDRAWN)
    )
    # Why: every file that reached the jury carries an assignment of the demo reviewer, and
    # the attack leaves out the files the reviewer is assigned to.
    before_the_jury = Application.objects.filter(state__in=JURY_STATES)
    assert before_the_jury.count() == 8
    assert not before_the_jury.exclude(assignments__reviewer=reviewer).exists()


@pytest.fixture
def prepared(demo):
    """The attack's database after serve.sh's `attack.py --prepare`, and the attack module."""
    attack = _attack()
    attack.prepare()
    return attack


def test_the_attacks_victims_after_prepare_include_a_file_in_deliberation(prepared):
    attacking = [email for email in prepared.ROLES.values() if email]

    victims = prepared.Victims()

    assert sorted(victims.applications) == sorted(
        state.value
        for state in (
            S.DRAFT,
            S.SUBMITTED,
            S.INELIGIBLE,
            S.ELIGIBLE,
            S.NOT_SELECTED,
            S.DELIBERATION,
            S.WITHDRAWN,
        )
    )
    in_deliberation = Application.objects.get(pk=victims.applications[S.DELIBERATION])
    assert in_deliberation.state == S.DELIBERATION
    assert in_deliberation.owner.email == prepared.VICTIM not in attacking
    assert not in_deliberation.assignments.exists()
    assert list(in_deliberation.events.order_by("pk").values_list("transition", flat=True)) == [
        "select_for_review",
        "send_to_jury",
    ]
    assert victims.attachments[S.DELIBERATION] is not None
    assert victims.state_of(in_deliberation.pk) == S.DELIBERATION
    # Running it again makes no second one (serve.sh runs it on each start).
    prepared.prepare()
    assert (
        Application.objects.filter(state=S.DELIBERATION, owner=in_deliberation.owner).count() == 1
    )


def test_on_the_attacks_file_in_deliberation_only_the_jury_and_staff_read(client, prepared):
    victims = prepared.Victims()
    application = Application.objects.get(pk=victims.applications[S.DELIBERATION])
    roles = {
        role: email
        for role, email in prepared.ROLES.items()
        if role not in {"instruction_password_only", "instruction_not_enrolled"}
    }
    answers = {}

    for role, email in roles.items():
        client.logout()
        if email:
            login(client, User.objects.get(email=email))
        answers[role] = (
            _get(client, _file_url(application)),
            _get(client, _document_url(application)),
        )
    client.logout()
    login(client, User.objects.get(email=STAFF), otp_verified=False)
    answers["instruction_password_only"] = (
        _get(client, _file_url(application)),
        _get(client, _document_url(application)),
    )

    # What the attack demands of the jury (MUST_READ): both pages answer 200.
    assert prepared.MUST_READ[("jury", S.DELIBERATION)] == {
        "reviews:jury_file",
        "applications:attachment_download",
    }
    assert answers.pop("jury") == (200, 200)
    assert answers.pop("instruction") == (200, 200)
    # Every other attacking role is refused (the applicant and the bare applicant who do not
    # own it, the holder of another project, the reviewer not assigned, staff without its
    # second factor): no 200, which the attack counts as a finding (allowed()).
    assert all(200 not in pair for pair in answers.values()), answers
    assert set(answers) == {
        "anonymous",
        "applicant",
        "stranger",
        "holder",
        "reviewer",
        "instruction_password_only",
    }


def test_the_attacks_staff_posts_bring_its_eligible_victim_before_the_jury(client, demo):
    victim = Application.objects.get(pk=_attack().Victims().applications[S.ELIGIBLE])
    jury, staff = User.objects.get(email=JURY), User.objects.get(email=STAFF)
    login(client, jury)
    before = (_get(client, _file_url(victim)), _get(client, _document_url(victim)))

    # The attack's POST phase, as instruction: « retenir », then « transmettre au jury », each
    # with the attack's only field.
    login(client, staff)
    for name in ("applications:instruction_select_for_review", "reviews:send_to_jury"):
        client.post(reverse(name, args=[victim.pk]), {"confirm": "1"})
    victim.refresh_from_db()
    login(client, jury)
    after = (_get(client, _file_url(victim)), _get(client, _document_url(victim)))

    assert victim.state == S.DELIBERATION
    assert not victim.assignments.exists()
    assert (before, after) == ((404, 404), (200, 200))
