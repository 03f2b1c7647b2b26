"""The models that left the floor for an app of their own keep their tables.

Django's state forgets them here, after each new app took them over (state only: no table
moves, no row is touched). The content types follow, so that permissions and admin history
stay attached to the same models.
"""

from django.db import migrations

# model -> the app that took it over
MOVED_MODELS = {
    "otpdevice": "accounts",
    "recoverycode": "accounts",
    "catalogueentry": "catalogue",
    "catalogueentrytheme": "catalogue",
    "certificate": "certificates",
    "criterion": "reviews",
    "retentionrun": "privacy",
    "retentionwarning": "privacy",
    "applicationanonymisation": "privacy",
}


def _relabel(apps, *, old_label_of, new_label_of):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model, app_label in MOVED_MODELS.items():
        old, new = old_label_of(app_label), new_label_of(app_label)
        # A content type already made for the new label (by a `migrate` that stopped half
        # way) is kept; the old one then stays unused rather than break the unique pair.
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def move_content_types(apps, schema_editor):
    _relabel(apps, old_label_of=lambda app_label: "label", new_label_of=lambda app_label: app_label)


def restore_content_types(apps, schema_editor):
    _relabel(apps, old_label_of=lambda app_label: app_label, new_label_of=lambda app_label: "label")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("label", "0009_catalogue_source_application"),
        ("accounts", "0001_initial"),
        ("catalogue", "0001_initial"),
        ("certificates", "0001_initial"),
        ("privacy", "0001_initial"),
        ("reviews", "0003_criterion_from_label"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='applicationanonymisation',
                    name='application',
                ),
                migrations.RemoveField(
                    model_name='applicationanonymisation',
                    name='run',
                ),
                migrations.RemoveIndex(
                    model_name='catalogueentry',
                    name='catalogue_agglomeration',
                ),
                migrations.RemoveIndex(
                    model_name='catalogueentry',
                    name='catalogue_wave',
                ),
                migrations.RemoveIndex(
                    model_name='catalogueentry',
                    name='catalogue_published_at',
                ),
                migrations.RemoveIndex(
                    model_name='catalogueentry',
                    name='catalogue_recent',
                ),
                migrations.RemoveIndex(
                    model_name='catalogueentry',
                    name='catalogue_oldest',
                ),
                migrations.RemoveIndex(
                    model_name='catalogueentry',
                    name='catalogue_by_name',
                ),
                migrations.RemoveIndex(
                    model_name='catalogueentrytheme',
                    name='catalogue_theme_entry',
                ),
                migrations.RemoveConstraint(
                    model_name='catalogueentrytheme',
                    name='catalogue_theme_once',
                ),
                migrations.RemoveConstraint(
                    model_name='certificate',
                    name='certificate_unique_version',
                ),
                migrations.RemoveConstraint(
                    model_name='certificate',
                    name='certificate_unique_number_version',
                ),
                migrations.RemoveConstraint(
                    model_name='certificate',
                    name='certificate_unique_token_version',
                ),
                migrations.RemoveConstraint(
                    model_name='criterion',
                    name='criterion_unique_code_per_wave',
                ),
                migrations.RemoveField(
                    model_name='otpdevice',
                    name='user',
                ),
                migrations.RemoveIndex(
                    model_name='recoverycode',
                    name='recovery_code_lookup_idx',
                ),
                migrations.RemoveField(
                    model_name='retentionwarning',
                    name='application',
                ),
                migrations.RemoveField(
                    model_name='retentionwarning',
                    name='user',
                ),
                migrations.DeleteModel(
                    name='ApplicationAnonymisation',
                ),
                migrations.DeleteModel(
                    name='RetentionRun',
                ),
                migrations.RemoveField(
                    model_name='catalogueentry',
                    name='communes',
                ),
                migrations.RemoveField(
                    model_name='catalogueentry',
                    name='source_application',
                ),
                migrations.RemoveField(
                    model_name='catalogueentrytheme',
                    name='entry',
                ),
                migrations.RemoveField(
                    model_name='certificate',
                    name='application',
                ),
                migrations.RemoveField(
                    model_name='certificate',
                    name='issued_by',
                ),
                migrations.RemoveField(
                    model_name='criterion',
                    name='wave',
                ),
                migrations.DeleteModel(
                    name='OTPDevice',
                ),
                migrations.RemoveField(
                    model_name='recoverycode',
                    name='user',
                ),
                migrations.DeleteModel(
                    name='RetentionWarning',
                ),
                migrations.DeleteModel(
                    name='CatalogueEntry',
                ),
                migrations.DeleteModel(
                    name='CatalogueEntryTheme',
                ),
                migrations.DeleteModel(
                    name='Certificate',
                ),

                migrations.DeleteModel(
                    name='Criterion',
                ),
                migrations.DeleteModel(
                    name='RecoveryCode',
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, restore_content_types, elidable=False),
    ]
