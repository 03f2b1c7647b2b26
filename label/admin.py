from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from label import (
    admin_security,  # noqa: F401 -- registers the security records
    services,
)
from label.catalogue import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    catalogue_entry_set_themes,
    catalogue_import,
)
from label.certificates import certificate_retry
from label.enums import Agglomeration, Theme
from label.models import Certificate, Commune, Criterion, OutboxMail, User
from label.models.catalogue import CatalogueEntry


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "organisation", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff", "groups"]
    search_fields = ["email", "full_name", "organisation"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Identité"), {"fields": ["full_name", "organisation", "phone"]}),
        (
            _("Droits"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined", "email_confirmed_at"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]}),
    ]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["name", "insee_code", "epci", "population"]
    list_filter = ["epci"]
    search_fields = ["name", "insee_code"]


@admin.register(OutboxMail)
class OutboxMailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "to", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "template"]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in OutboxMail._meta.fields]
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Renvoyer les e-mails sélectionnés"))
    def resend(self, request, queryset):
        count = services.outbox_resend(mails=list(queryset))
        self.message_user(
            request,
            ngettext(
                "%(count)d e-mail remis en file d'envoi.",
                "%(count)d e-mails remis en file d'envoi.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    """The criteria grids, read-only here: staff edit them in the instruction area, which
    locks a grid once the first review of its wave is submitted."""

    list_display = ["code", "label", "wave", "group", "weight", "scale_max", "required"]
    list_filter = ["wave", "group", "required", "counts_in_ranking"]
    search_fields = ["code", "label"]
    ordering = ["wave", "position", "code"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
    change_list_template = "label/catalogue/admin_change_list.html"
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
                name="label_catalogueentry_import",
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
                    return redirect("admin:label_catalogueentry_changelist")
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
        return TemplateResponse(request, "label/catalogue/admin_import.html", context)


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Certificates, read-only: they are issued by the announcement and re-issued from the
    instruction area; here staff follow renderings and retry the failed ones."""

    list_display = ["number", "version", "application", "status", "attempts", "created_at"]
    list_filter = ["status"]
    search_fields = ["number", "application__title", "application__holder_name"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in Certificate._meta.fields]
    actions = ["retry_rendering"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Générer à nouveau les certificats en échec"))
    def retry_rendering(self, request, queryset):
        count = certificate_retry(certificates=list(queryset))
        self.message_user(
            request,
            ngettext(
                "%(count)d certificat remis en file de génération.",
                "%(count)d certificats remis en file de génération.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
