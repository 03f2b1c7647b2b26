"""Technical admin (/gestion/) of the second factor.

Read-only, except the deletion of a device, which is how an administrator resets the second
factor of someone who lost both their phone and their recovery codes (after checking who
asks; the deletion itself is audited).
"""

from django.contrib import admin

from accounts import otp
from accounts.models import OTPDevice


@admin.register(OTPDevice)
class OTPDeviceAdmin(admin.ModelAdmin):
    """Who uses a second factor; deleting a device resets it (the account enrols again)."""

    list_display = ["user", "confirmed_at", "last_used_at", "created_at"]
    list_filter = [("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user"]
    fields = ["user", "confirmed_at", "last_used_at", "created_at"]
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
