"""seed_demo: the demo accounts, the open 11th wave and the communes; idempotent; local only."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from label.enums import Role, WavePhase
from label.models import Commune, User, Wave

pytestmark = pytest.mark.django_db

DEMO_ROLES = {
    "candidat@example.org": {Role.APPLICANT},
    "instruction@example.org": {Role.APPLICANT, Role.INSTRUCTION},
    "expert@example.org": {Role.APPLICANT, Role.REVIEWER},
    "jury@example.org": {Role.APPLICANT, Role.JURY},
}


def _seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def _demo_state():
    users = User.objects.filter(email__in=DEMO_ROLES).order_by("email")
    return {
        "users": [
            (u.email, u.password, frozenset(u.groups.values_list("name", flat=True))) for u in users
        ],
        "waves": list(Wave.objects.values_list("pk", "number", "opens_at", "closes_at")),
        "communes": Commune.objects.count(),
    }


def test_seed_demo_creates_the_four_accounts_with_their_roles():
    output = _seed("--force")

    assert "Demo data ready" in output
    for email, roles in DEMO_ROLES.items():
        user = User.objects.get(email=email)
        assert user.is_active
        assert user.email_confirmed_at is not None
        assert set(user.groups.values_list("name", flat=True)) == {r.value for r in roles}
        request = RequestFactory().post("/comptes/connexion/", REMOTE_ADDR="127.0.0.1")
        assert authenticate(request, username=email, password="demo-euralens") == user
    assert User.objects.get(email="instruction@example.org").is_staff is True
    assert User.objects.get(email="candidat@example.org").is_staff is False
    assert not User.objects.filter(is_superuser=True).exists()


def test_seed_demo_opens_the_eleventh_wave_and_loads_the_150_communes():
    _seed("--force")

    wave = Wave.objects.get(number=11)
    assert wave.phase == WavePhase.OPEN
    assert Wave.objects.current() == wave
    assert Commune.objects.count() == 150
    assert Commune.objects.filter(name="Lens", epci="CALL").exists()


def test_seed_demo_twice_changes_nothing():
    _seed("--force")
    first = _demo_state()

    _seed("--force")

    assert _demo_state() == first
    assert User.objects.filter(email__in=DEMO_ROLES).count() == 4
    assert Wave.objects.filter(number=11).count() == 1


def test_seed_demo_keeps_a_changed_demo_password():
    _seed("--force")
    user = User.objects.get(email="jury@example.org")
    user.set_password("change-par-la-presidente")
    user.save()

    _seed("--force")

    user.refresh_from_db()
    assert user.check_password("change-par-la-presidente")


def test_seed_demo_refuses_with_debug_off_and_creates_nothing(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        _seed()

    assert not User.objects.filter(email__in=DEMO_ROLES).exists()
    assert not Wave.objects.exists()


def test_seed_demo_runs_with_debug_on_without_force(settings):
    settings.DEBUG = True

    _seed()

    assert User.objects.filter(email__in=DEMO_ROLES).count() == 4
