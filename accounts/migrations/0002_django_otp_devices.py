"""The second factor moves to django-otp devices, without anyone enrolling again.

Each home-made ``OTPDevice`` becomes an ``accounts.TOTPDevice``: the key is the hex of the
same base32 secret (now encrypted at rest), ``confirmed`` follows ``confirmed_at``, and
``last_t`` is the last step accepted, so a code already used stays refused. The unused
recovery codes move, still hashed, to one ``RecoveryCodeDevice`` per account. The old
tables are then dropped. Going back rebuilds them from the new rows.
"""

import base64
import binascii

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import accounts.crypto
import accounts.models


def _hex_of_base32(secret):
    text = secret.strip().replace(" ", "").upper()
    return base64.b32decode(text + "=" * (-len(text) % 8)).hex()


def _base32_of_hex(key):
    return base64.b32encode(binascii.unhexlify(key)).decode("ascii").rstrip("=")


def to_django_otp(apps, schema_editor):
    OTPDevice = apps.get_model("accounts", "OTPDevice")
    LegacyRecoveryCode = apps.get_model("accounts", "LegacyRecoveryCode")
    TOTPDevice = apps.get_model("accounts", "TOTPDevice")
    RecoveryCodeDevice = apps.get_model("accounts", "RecoveryCodeDevice")
    RecoveryCode = apps.get_model("accounts", "RecoveryCode")
    for old in OTPDevice.objects.all():
        TOTPDevice.objects.create(
            user_id=old.user_id,
            name="Application d'authentification",
            confirmed=old.confirmed_at is not None,
            key=_hex_of_base32(old.secret),
            last_t=old.last_used_step if old.last_used_step is not None else -1,
            created_at=old.created_at,
            last_used_at=old.last_used_at,
        )
    devices = {}
    for old in LegacyRecoveryCode.objects.filter(used_at__isnull=True).order_by("pk"):
        device = devices.get(old.user_id)
        if device is None:
            device = devices[old.user_id] = RecoveryCodeDevice.objects.create(
                user_id=old.user_id, name="Codes de secours", confirmed=True
            )
        RecoveryCode.objects.create(device=device, code_hash=old.code_hash)


def to_home_made(apps, schema_editor):
    OTPDevice = apps.get_model("accounts", "OTPDevice")
    LegacyRecoveryCode = apps.get_model("accounts", "LegacyRecoveryCode")
    TOTPDevice = apps.get_model("accounts", "TOTPDevice")
    RecoveryCode = apps.get_model("accounts", "RecoveryCode")
    # The old table held one device per account: the most recent one wins.
    seen = set()
    for new in TOTPDevice.objects.order_by("user_id", "-confirmed", "-pk"):
        if new.user_id in seen:
            continue
        seen.add(new.user_id)
        OTPDevice.objects.create(
            user_id=new.user_id,
            secret=_base32_of_hex(new.key),
            confirmed_at=(new.created_at or django.utils.timezone.now()) if new.confirmed else None,
            last_used_step=new.last_t if new.last_t >= 0 else None,
            last_used_at=new.last_used_at,
        )
    for new in RecoveryCode.objects.select_related("device"):
        LegacyRecoveryCode.objects.create(
            user_id=new.device.user_id, code_hash=new.code_hash, used_at=new.used_at
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="TOTPDevice",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(help_text="The human-readable name of this device.", max_length=64)),
                ("confirmed", models.BooleanField(default=True, help_text="Is this device ready for use?")),
                ("throttling_failure_timestamp", models.DateTimeField(blank=True, default=None, help_text="A timestamp of the last failed verification attempt. Null if last attempt succeeded.", null=True)),
                ("throttling_failure_count", models.PositiveIntegerField(default=0, help_text="Number of successive failed attempts.")),
                ("created_at", models.DateTimeField(auto_now_add=True, help_text="The date and time when this device was initially created in the system.", null=True, blank=True)),
                ("last_used_at", models.DateTimeField(blank=True, help_text="The most recent date and time this device was used.", null=True)),
                ("key", accounts.crypto.EncryptedTextField(default=accounts.models.default_key, verbose_name="clé (chiffrée)")),
                ("step", models.PositiveSmallIntegerField(default=30)),
                ("t0", models.BigIntegerField(default=0)),
                ("digits", models.PositiveSmallIntegerField(default=6)),
                ("tolerance", models.PositiveSmallIntegerField(default=1)),
                ("drift", models.SmallIntegerField(default=0)),
                ("last_t", models.BigIntegerField(default=-1)),
                ("user", models.ForeignKey(help_text="The user that this device belongs to.", on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "verbose_name": "application d'authentification",
                "verbose_name_plural": "applications d'authentification",
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="RecoveryCodeDevice",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(help_text="The human-readable name of this device.", max_length=64)),
                ("confirmed", models.BooleanField(default=True, help_text="Is this device ready for use?")),
                ("throttling_failure_timestamp", models.DateTimeField(blank=True, default=None, help_text="A timestamp of the last failed verification attempt. Null if last attempt succeeded.", null=True)),
                ("throttling_failure_count", models.PositiveIntegerField(default=0, help_text="Number of successive failed attempts.")),
                ("user", models.ForeignKey(help_text="The user that this device belongs to.", on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "verbose_name": "codes de secours",
                "verbose_name_plural": "codes de secours",
                "abstract": False,
            },
        ),
        # The old model's table is named explicitly: the rename changes only the state.
        migrations.RenameModel(old_name="RecoveryCode", new_name="LegacyRecoveryCode"),
        migrations.CreateModel(
            name="RecoveryCode",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code_hash", models.CharField(max_length=64)),
                ("used_at", models.DateTimeField(blank=True, null=True, verbose_name="utilisé le")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="créé le")),
                ("device", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="codes", to="accounts.recoverycodedevice", verbose_name="codes de secours")),
            ],
            options={
                "verbose_name": "code de secours",
                "verbose_name_plural": "codes de secours",
                "indexes": [models.Index(fields=["device", "code_hash"], name="recovery_code_device_idx")],
            },
        ),
        migrations.RunPython(to_django_otp, to_home_made),
        migrations.DeleteModel(name="LegacyRecoveryCode"),
        migrations.DeleteModel(name="OTPDevice"),
    ]
