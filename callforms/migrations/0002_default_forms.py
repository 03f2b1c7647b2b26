"""Every existing wave gets the default form (today's dossier, issue 12).

A wave that already holds a filed dossier gets its form locked, as filing the first dossier
does from now on. The reverse deletes the forms (the waves are as before).
"""

from django.db import migrations
from django.utils import timezone

from callforms.defaults import form_default_create


def forms_create(apps, schema_editor):
    Wave = apps.get_model("label", "Wave")
    CallForm = apps.get_model("callforms", "CallForm")
    Section = apps.get_model("callforms", "Section")
    Question = apps.get_model("callforms", "Question")
    Application = apps.get_model("applications", "Application")
    filed_waves = set(
        Application.objects.filter(submitted_at__isnull=False).values_list("wave_id", flat=True)
    )
    now = timezone.now()
    for wave in Wave.objects.all():
        call_form = form_default_create(
            wave, form_model=CallForm, section_model=Section, question_model=Question
        )
        if wave.pk in filed_waves and call_form.locked_at is None:
            call_form.locked_at = now
            call_form.save(update_fields=["locked_at"])


def forms_delete(apps, schema_editor):
    apps.get_model("callforms", "CallForm").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("callforms", "0001_initial"),
        ("label", "0011_wave_edition"),
        ("applications", "0004_search_text_one_normalisation"),
    ]

    operations = [migrations.RunPython(forms_create, forms_delete)]
