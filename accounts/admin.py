"""Technical admin (/gestion/) of the second factor.

Read-only, except the deletion of a device, which is how an administrator resets the second
factor of someone who lost both their phone and their recovery codes (after checking who
asks; the deletion itself is audited). Deleting an application removes the account's
recovery codes and passkeys too: the account enrols again from scratch.
"""

from django.contrib import admin

from accounts import otp
from accounts.models import TOTPDevice


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(admin.ModelAdmin):
    """Who uses a second factor; deleting a device resets it (the account enrols again)."""

    list_display = ["user", "confirmed", "last_used_at", "created_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user"]
    # The key is never shown, not even encrypted.
    fields = ["user", "confirmed", "last_used_at", "created_at", "throttling_failure_count"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        otp.device_remove(user=obj.user)

    def delete_queryset(self, request, queryset):
        for device in queryset.select_related("user"):
            otp.device_remove(user=device.user)
