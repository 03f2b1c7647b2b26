"""Staff pages of the waves (/instruction/vagues/): list, create, edit, and the texts a wave
keeps for itself: its announcement mails and its eligibility checklist.

Only the instruction team reaches them. Dates are typed and shown in Paris time; the model's
validation keeps one call open at a time.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView, UpdateView
from rules.contrib.views import PermissionRequiredMixin

from label.forms import WaveEligibilityChecklistForm, WaveForm, WaveMailTextForm
from label.models import Wave, WaveMailText
from label.selectors import wave_get_latest
from label.services import (
    wave_create,
    wave_eligibility_checklist_save,
    wave_initial_from_previous,
    wave_mail_text_reset,
    wave_mail_texts_save,
)
from label.wave_texts import ANNOUNCEMENT_PLACEHOLDERS, AnnouncementMailKind, checklist_from_lines

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


class WaveObjectMixin(WaveStaffMixin):
    """A staff page of one wave, found by ``pk`` once the role is checked."""

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.wave = get_object_or_404(Wave, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(wave=self.wave, **kwargs)


class WaveMailTextsView(WaveObjectMixin, TemplateView):
    """The announcement mails of a wave, one per outcome, with the placeholders they may use.

    One form per outcome, saved together; a text with an unknown placeholder is refused
    with the message next to its field, and nothing is saved.
    """

    template_name = "label/wave_mail_texts.html"

    def forms(self, data=None):
        return [
            (kind, WaveMailTextForm(data, instance=text, prefix=kind))
            for kind, text in WaveMailText.all_for_wave(self.wave).items()
        ]

    def get_context_data(self, forms=None, **kwargs):
        forms = forms or self.forms()
        return super().get_context_data(
            forms=forms,
            has_errors=any(form.is_bound and form.errors for _kind, form in forms),
            placeholders=[
                (f"%({name})s", help_text)
                for name, (help_text, _sample) in ANNOUNCEMENT_PLACEHOLDERS.items()
            ],
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        reset = request.POST.get("reset")
        if reset in AnnouncementMailKind.values:
            # « Revenir au texte proposé » for one outcome: its own text is forgotten.
            wave_mail_text_reset(wave=self.wave, kind=reset)
            messages.success(
                request,
                _("Le courrier « %(kind)s » reprend le texte proposé par défaut.")
                % {"kind": AnnouncementMailKind(reset).label},
            )
            return redirect(
                reverse("label:wave_mail_texts", kwargs={"pk": self.wave.pk}) + f"#courrier-{reset}"
            )
        forms = self.forms(request.POST)
        if all(form.is_valid() for _kind, form in forms):
            wave_mail_texts_save(
                wave=self.wave,
                texts={
                    kind: (form.cleaned_data["subject"], form.cleaned_data["body"])
                    for kind, form in forms
                },
            )
            messages.success(
                request,
                _("Les courriers d'annonce de la vague %(number)s sont enregistrés.")
                % {"number": self.wave.number},
            )
            return redirect("label:wave_mail_texts", pk=self.wave.pk)
        return self.render_to_response(self.get_context_data(forms=forms), status=400)


class WaveEligibilityChecklistView(WaveObjectMixin, FormView):
    """The eligibility checklist of a wave, editable until its first eligibility decision."""

    template_name = "label/wave_eligibility.html"
    form_class = WaveEligibilityChecklistForm

    def get_initial(self):
        return {
            "lines": "\n".join(label for _code, label in self.wave.eligibility_checklist_items())
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            locked=self.wave.eligibility_checklist_locked,
            items=self.wave.eligibility_checklist_items(),
            **kwargs,
        )

    def form_valid(self, form):
        items = checklist_from_lines(
            form.cleaned_data["lines"], previous=self.wave.eligibility_checklist_items()
        )
        try:
            wave_eligibility_checklist_save(wave=self.wave, items=items)
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(
            self.request,
            _("La grille de recevabilité de la vague %(number)s est enregistrée.")
            % {"number": self.wave.number},
        )
        return redirect("label:wave_eligibility", pk=self.wave.pk)
