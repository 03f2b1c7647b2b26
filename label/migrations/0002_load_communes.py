from django.db import migrations


def load(apps, schema_editor):
    from label.territory import communes_load

    communes_load(apps.get_model("label", "Commune"))


class Migration(migrations.Migration):
    dependencies = [("label", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
