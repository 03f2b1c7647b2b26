"""Technical admin (/gestion/) of the catalogue: entries, their themes and communes, and the
upload of the official CSV file."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from catalogue.models import CatalogueEntry, ProjectPhoto
from catalogue.services import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    catalogue_entry_set_themes,
    catalogue_import,
)
from label.enums import Agglomeration, Theme


class CatalogueEntryAdminForm(forms.ModelForm):
    """The entry with its themes as checkboxes, and its communes checked against its area."""

    themes = forms.MultipleChoiceField(
        label=_("thèmes"),
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = CatalogueEntry
        fields = [
            "name",
            "slug",
            "award",
            "year",
            "wave_number",
            "is_published",
            "holder",
            "holder_type",
            "agglomeration",
            "communes",
            "summary",
            "description",
            "website",
            "image",
            "image_alt",
            "source_url",
            "source_reference",
            "published_at",
            "is_synthetic",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _("Laisser vide : il est tiré du nom.")
        if self.instance.pk:
            self.initial["themes"] = [theme.value for theme in self.instance.themes]

    def clean(self):
        cleaned = super().clean()
        agglomeration = cleaned.get("agglomeration")
        communes = cleaned.get("communes") or []
        if agglomeration and agglomeration != Agglomeration.PMA:
            stray = [commune.name for commune in communes if commune.epci != agglomeration]
            if stray:
                self.add_error(
                    "communes",
                    _("Ces communes ne sont pas dans l'agglomération choisie : %(names)s.")
                    % {"names": ", ".join(stray)},
                )
        return cleaned


class CatalogueImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV"),
        help_text=_("Même format que le catalogue historique ; 2 Mo au plus."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    dry_run = forms.BooleanField(
        label=_("Vérifier seulement, sans rien enregistrer"), required=False, initial=True
    )


@admin.register(CatalogueEntry)
class CatalogueEntryAdmin(admin.ModelAdmin):
    form = CatalogueEntryAdminForm
    change_list_template = "catalogue/admin_change_list.html"
    list_display = ["name", "year", "wave_number", "award", "agglomeration", "is_published"]
    list_filter = ["award", "agglomeration", "is_published", "year", "is_synthetic"]
    search_fields = ["name", "holder", "slug"]
    autocomplete_fields = ["communes"]
    date_hierarchy = "published_at"
    fieldsets = [
        (None, {"fields": ["name", "slug", "award", "year", "wave_number", "is_published"]}),
        (
            _("Porteur et territoire"),
            {"fields": ["holder", "holder_type", "agglomeration", "communes"]},
        ),
        (_("Présentation"), {"fields": ["themes", "summary", "description", "website"]}),
        (_("Image"), {"fields": ["image", "image_alt"]}),
        (
            _("Origine"),
            {"fields": ["source_url", "source_reference", "published_at", "is_synthetic"]},
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        # The slug is in published links and open data: it never changes once set.
        return ["slug"] if obj is not None else []

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        catalogue_entry_set_themes(entry=form.instance, themes=form.cleaned_data["themes"])

    def get_urls(self):
        return [
            path(
                "importer/",
                self.admin_site.admin_view(self.import_view),
                name="catalogue_catalogueentry_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload a catalogue CSV: the same checks and report as ``import_catalogue``."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        report = None
        if request.method == "POST":
            form = CatalogueImportForm(request.POST, request.FILES)
            if form.is_valid():
                report = catalogue_import(
                    source=form.cleaned_data["file"], dry_run=form.cleaned_data["dry_run"]
                )
                if report.written:
                    self.message_user(request, report.summary(), messages.SUCCESS)
                    return redirect("admin:catalogue_catalogueentry_changelist")
        else:
            form = CatalogueImportForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Importer des projets labellisés"),
            "form": form,
            "report": report,
            "columns": REQUIRED_COLUMNS + OPTIONAL_COLUMNS,
        }
        return TemplateResponse(request, "catalogue/admin_import.html", context)


@admin.register(ProjectPhoto)
class ProjectPhotoAdmin(admin.ModelAdmin):
    """The record of proposed photos, read-only: staff decide on /instruction/catalogue/photos/,
    where the decision renders the picture and mails the holder."""

    list_display = ["entry", "status", "credit", "submitted_at", "reviewed_at"]
    list_filter = ["status"]
    search_fields = ["entry__name", "credit", "alt"]
    list_select_related = ["entry"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
