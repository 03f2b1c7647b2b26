"""Staff pages of the waves (/instruction/vagues/): list, create, edit.

Only the instruction team reaches them. Dates are typed and shown in Paris time; the model's
validation keeps one call open at a time.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, UpdateView
from rules.contrib.views import PermissionRequiredMixin

from label.forms import WaveForm
from label.models import Wave
from label.selectors import wave_get_latest
from label.services import wave_create, wave_initial_from_previous

# The query parameter of « Partir de la vague précédente ».
FROM_PREVIOUS_PARAM = "depuis"
FROM_PREVIOUS_VALUE = "precedente"


class WaveStaffMixin(PermissionRequiredMixin):
    permission_required = "label.access_instruction_area"

    def get_permission_object(self):
        # The right is the staff role, not one wave: checked before any lookup, so that
        # someone without it gets 403 whatever the URL names.
        return None


class WaveListView(WaveStaffMixin, ListView):
    """Every wave, newest first, with its phase and how many applications it holds."""

    template_name = "label/wave_list.html"
    context_object_name = "waves"

    def get_queryset(self):
        return Wave.objects.annotate(application_count=Count("applications")).order_by("-number")


class WaveCreateView(WaveStaffMixin, FormView):
    """A new wave; « Partir de la vague précédente » prefills its texts and settings."""

    template_name = "label/wave_form.html"
    form_class = WaveForm

    def copy_from(self):
        """The wave to start from, when asked (the form posts back to its own URL and query)."""
        if self.request.GET.get(FROM_PREVIOUS_PARAM) != FROM_PREVIOUS_VALUE:
            return None
        return wave_get_latest()

    def get_initial(self):
        previous = wave_get_latest()
        if self.copy_from() is not None:
            return wave_initial_from_previous(previous)
        if previous is not None:
            return {"number": previous.number + 1, "year": previous.year + 1}
        return {}

    def get_context_data(self, **kwargs):
        previous = wave_get_latest()
        return super().get_context_data(
            previous=previous,
            from_previous=self.request.GET.get(FROM_PREVIOUS_PARAM) == FROM_PREVIOUS_VALUE,
            from_previous_query=f"{FROM_PREVIOUS_PARAM}={FROM_PREVIOUS_VALUE}",
            **kwargs,
        )

    def form_valid(self, form):
        try:
            # Starting from the previous wave copies its grid and committees too (on the
            # wave_created signal): the copy_from must reach wave_create, not only the form.
            wave = wave_create(data=form.cleaned_data, copy_from=self.copy_from())
        except ValidationError as error:
            # Another wave was saved meanwhile and now overlaps: say it on the form.
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("La vague %(number)s est créée.") % {"number": wave.number}
        )
        return redirect("label:wave_list")


class WaveUpdateView(WaveStaffMixin, UpdateView):
    """Edit a wave: dates, texts, signatory, ceremony."""

    template_name = "label/wave_form.html"
    form_class = WaveForm
    context_object_name = "wave"

    def get_object(self, queryset=None):
        return get_object_or_404(Wave, pk=self.kwargs["pk"])

    def form_valid(self, form):
        wave = form.save()
        messages.success(
            self.request, _("La vague %(number)s est enregistrée.") % {"number": wave.number}
        )
        return redirect("label:wave_list")
