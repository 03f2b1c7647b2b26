"""The reviews app's bulk action of the staff table (applications.bulk), registered on import.

« Attribuer à un évaluateur »: one reviewer of the wave's committees, one due date, for every
ticked file, each through assignment_create (which refuses, with its reason, a file not under
instruction, a conflict of interest, a reviewer already on the file).
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.bulk import register_bulk_action
from reviews.assignment import selectors
from reviews.assignment.services import assignment_create


class BulkAssignForm(forms.Form):
    """The reviewer and the due date given to every selected file."""

    reviewer = forms.ModelChoiceField(
        label=_("Évaluateur"),
        queryset=None,
        help_text=_("Membres des comités de la vague ayant le rôle d'évaluateur."),
        error_messages={"required": _("Choisissez un évaluateur.")},
    )
    due_on = forms.DateField(
        label=_("Date limite de l'évaluation"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("La date limite est obligatoire.")},
    )

    def __init__(self, *args, wave, **kwargs):
        super().__init__(*args, **kwargs)
        reviewers = selectors.reviewer_list_for_wave(wave)
        self.fields["reviewer"].queryset = selectors.reviewer_candidates().filter(
            pk__in=[reviewer.pk for reviewer in reviewers]
        )

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError(_("La date limite ne peut pas être passée."))
        return due_on


def _assign(*, application, by, data):
    assignment_create(
        application=application, reviewer=data["reviewer"], due_on=data["due_on"], by=by
    )


register_bulk_action(
    "assign_reviewer",
    _("Attribuer à un évaluateur"),
    _assign,
    make_form=lambda data, wave: BulkAssignForm(data, wave=wave, prefix="bulk"),
    confirm=_("Attribuer ces dossiers"),
    order=10,
)
