"""Technical admin (/gestion/) of the certificates: renderings followed, failures retried."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from certificates.models import Certificate
from certificates.services import certificate_retry


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
