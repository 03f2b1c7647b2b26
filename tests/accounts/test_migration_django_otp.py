"""The move of the second factor to django-otp keeps every enrolled account working.

From the home-made tables (accounts 0001) with an enrolled account, an enrolment in progress
and recovery codes used and unused, the migration runs forward: the same secret gives the
same codes through an encrypted django-otp device, a step already used stays refused, the
unused recovery codes still open the account (still hashed) and the used one does not. Going
back rebuilds the old rows. It runs on the suite's database: SQLite, and PostgreSQL in the
second CI leg (DATABASE_URL=postgres://... REQUIRE_SERVICES=1).
"""

import hashlib
import time
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts import otp
from accounts.models import RecoveryCode, RecoveryCodeDevice, TOTPDevice
from tests.factories import UserFactory

BEFORE = [("accounts", "0001_initial")]
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
CODES = ["AAAA-BBBB-CCCC-DDDD", "EEEE-FFFF-GGGG-HHHH", "IIII-JJJJ-KKKK-LLLL"]


def _hash(code):
    return hashlib.sha256(code.replace("-", "").encode()).hexdigest()


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_enrolled_accounts_keep_their_secret_and_codes_through_the_move():
    enrolled, enrolling = UserFactory(), UserFactory()
    now = time.time()
    used_step = int(now // 30) - 1
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()

    try:
        old_apps = _migrate(BEFORE)
        old_device = old_apps.get_model("accounts", "OTPDevice")
        old_code = old_apps.get_model("accounts", "RecoveryCode")
        old_device.objects.create(
            user_id=enrolled.pk,
            secret=SECRET,
            confirmed_at=timezone.now(),
            last_used_step=used_step,
            last_used_at=timezone.now(),
        )
        old_device.objects.create(user_id=enrolling.pk, secret="KRUGS4ZANFZSA5DIMUQHGZLDOJSXI")
        old_code.objects.create(user_id=enrolled.pk, code_hash=_hash(CODES[0]))
        old_code.objects.create(user_id=enrolled.pk, code_hash=_hash(CODES[1]))
        old_code.objects.create(
            user_id=enrolled.pk, code_hash=_hash(CODES[2]), used_at=timezone.now()
        )
    finally:
        _migrate(leaves)

    device = TOTPDevice.objects.get(user=enrolled)
    assert device.confirmed and device.last_t == used_step
    assert otp.base32_secret(device) == SECRET
    assert otp.device_code(device, now) == otp.totp(SECRET, now)
    # The step used before the move stays used: its code is refused, the next one passes.
    assert not otp.device_verify(user=enrolled, code=otp.totp(SECRET, used_step * 30), at=now)
    with time_machine.travel(timezone.now() + timedelta(seconds=3)):  # past the throttling
        assert otp.device_verify(user=enrolled, code=otp.totp(SECRET, now + 30), at=now)
    pending = TOTPDevice.objects.get(user=enrolling)
    assert not pending.confirmed
    assert otp.base32_secret(pending) == "KRUGS4ZANFZSA5DIMUQHGZLDOJSXI"
    # The secret is not in the table in any form.
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM accounts_totpdevice")
        stored = " ".join(row[0] for row in cursor.fetchall())
    assert SECRET not in stored and device.key not in stored
    # Two unused codes moved, hashed; the used one did not.
    assert RecoveryCodeDevice.objects.filter(user=enrolled).count() == 1
    assert set(RecoveryCode.objects.values_list("code_hash", flat=True)) == {
        _hash(CODES[0]),
        _hash(CODES[1]),
    }
    assert otp.recovery_code_use(user=enrolled, code=CODES[0].lower())
    assert not otp.recovery_code_use(user=enrolled, code=CODES[2])
    assert "accounts_totpdevice" in connection.introspection.table_names()
    assert "label_otpdevice" not in connection.introspection.table_names()

    try:
        old_apps = _migrate(BEFORE)
        old_device = old_apps.get_model("accounts", "OTPDevice")
        old_code = old_apps.get_model("accounts", "RecoveryCode")
        back = old_device.objects.get(user_id=enrolled.pk)
        assert back.secret == SECRET and back.confirmed_at is not None
        assert back.last_used_step > used_step
        assert old_device.objects.get(user_id=enrolling.pk).confirmed_at is None
        rows = old_code.objects.values_list("code_hash", "used_at")
        assert sorted((code_hash, used_at is None) for code_hash, used_at in rows) == sorted(
            [(_hash(CODES[0]), False), (_hash(CODES[1]), True)]
        )
    finally:
        _migrate(leaves)
