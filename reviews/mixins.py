"""What the staff pages of every subject of the reviews app share: the permission they ask,
the wave they belong to, and how a refusal is told."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from rules.contrib.views import PermissionRequiredMixin

from label.models import Wave


def error_messages(error):
    """The sentences of a refusal (ValidationError or PermissionDenied), for messages."""
    return error.messages if isinstance(error, ValidationError) else [str(error)]


class StaffMixin(PermissionRequiredMixin):
    """A staff page of the review process: the instruction role is required."""

    permission_required = "reviews.manage_reviews"


class WaveMixin(StaffMixin):
    """A staff page of one wave, found by `wave_pk`."""

    def dispatch(self, request, *args, **kwargs):
        # The permission is checked first (by the mixin) so that nothing is read before it.
        if not self.has_permission():
            return self.handle_no_permission()
        self.wave = get_object_or_404(Wave, pk=kwargs["wave_pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(wave=self.wave, **kwargs)
