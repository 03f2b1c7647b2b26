"""The staff page of a wave's jury composition (/instruction/vagues/<n>/jury/)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from reviews.jury.composition import (
    JuryCompositionForm,
    jury_composition,
    jury_composition_set,
)
from reviews.mixins import WaveMixin


class JuryCompositionView(WaveMixin, TemplateView):
    """Who sits on the wave's jury and who presides; the default of its sittings."""

    template_name = "reviews/jury_composition.html"

    def get_context_data(self, form=None, **kwargs):
        members = jury_composition(self.wave)
        if form is None:
            form = JuryCompositionForm(
                initial={
                    "members": [member.user for member in members],
                    "president": next((m.user for m in members if m.president), None),
                }
            )
        return super().get_context_data(form=form, members=members, **kwargs)

    def post(self, request, *args, **kwargs):
        form = JuryCompositionForm(request.POST)
        if form.is_valid():
            try:
                jury_composition_set(
                    wave=self.wave,
                    by=request.user,
                    members=list(form.cleaned_data["members"]),
                    president=form.cleaned_data["president"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("La composition du jury de la vague %(number)s est enregistrée.")
                    % {"number": self.wave.number},
                )
                return redirect("reviews:jury_composition", wave_pk=self.wave.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)
