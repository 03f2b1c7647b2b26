# Written by hand on 2026-12-04 (makemigrations could not load the tree at that moment).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import followup.models


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0004_search_text_one_normalisation"),
        ("followup", "0002_progress_reports"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ProjectNews",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(max_length=150, verbose_name="titre")),
                ("body", models.TextField(max_length=2000, verbose_name="texte")),
                ("image", models.ImageField(blank=True, max_length=200, upload_to=followup.models.news_photo_upload_to, verbose_name="photo")),
                ("image_alt", models.CharField(blank=True, max_length=250, verbose_name="texte alternatif de la photo")),
                ("status", models.CharField(choices=[("pending", "En attente de validation"), ("approved", "Publiée"), ("rejected", "Refusée")], default="pending", max_length=10, verbose_name="état")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="proposée le")),
                ("decided_at", models.DateTimeField(blank=True, null=True, verbose_name="validée le")),
                ("application", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="news", to="applications.application")),
                ("created_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("decided_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "verbose_name": "actualité du projet",
                "verbose_name_plural": "actualités des projets",
                "ordering": ["-created_at", "-pk"],
            },
        ),
    ]
