"""Forms of the instruction (staff) area: the table's filters, the export, the staff moves.

They validate and return clean data; the views hand it to one workflow or service function.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.conditions import eligibility_checklist_items
from applications.enums import ApplicationState
from applications.exports import EXPORT_FORMATS, export_columns
from applications.rules import is_filed_state
from applications.selectors import STAFF_SORTS
from label.enums import Agglomeration, HolderType, Theme
from label.models import Commune
from label.text import french_sort_key

ALL = [("", _("Tous"))]
SORT_CHOICES = [(key, key) for key in STAFF_SORTS] + [(f"-{key}", key) for key in STAFF_SORTS]


class StaffApplicationFilterForm(forms.Form):
    """The filters of the staff table, read from GET; an unknown value is ignored, not an error."""

    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=200,
        help_text=_("Référence, titre ou porteur ; accents et majuscules indifférents."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    state = forms.ChoiceField(label=_("État"), required=False, choices=ALL)
    agglomeration = forms.ChoiceField(label=_("Agglomération"), required=False, choices=ALL)
    commune = forms.ModelChoiceField(
        label=_("Commune"),
        required=False,
        queryset=Commune.objects.order_by("name"),
        empty_label=_("Toutes"),
    )
    theme = forms.ChoiceField(label=_("Thématique"), required=False, choices=ALL)
    holder_type = forms.ChoiceField(label=_("Type de porteur"), required=False, choices=ALL)
    # The stage is an answer of the wave's form (its question « stage »): its choices are the
    # question's, given by the view; any value is a harmless filter, so it is not checked.
    stage = forms.CharField(label=_("État d'avancement"), required=False, widget=forms.Select)
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES, widget=forms.HiddenInput)

    # Filters of the table, in the order of the form (the search and the sort apart).
    FILTER_NAMES = ("state", "agglomeration", "commune", "theme", "holder_type", "stage")

    def __init__(self, *args, stage_question=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Drafts are not listed to staff (applications.rules): no filter offers them.
        self.fields["state"].choices = ALL + [
            (value, label) for value, label in ApplicationState.choices if is_filed_state(value)
        ]
        self.fields["agglomeration"].choices = ALL + list(Agglomeration.choices)
        self.fields["theme"].choices = [("", _("Toutes"))] + list(Theme.choices)
        self.fields["holder_type"].choices = ALL + list(HolderType.choices)
        stage_choices = (stage_question.options.get("choices") or []) if stage_question else []
        self.fields["stage"].widget.choices = ALL + [tuple(choice) for choice in stage_choices]
        if stage_question is not None:
            self.fields["stage"].label = stage_question.label
        # French order (« Béthune » before « Billy-Berclau »); the queryset still validates.
        communes = sorted(self.fields["commune"].queryset, key=lambda c: french_sort_key(c.name))
        self.fields["commune"].choices = [("", _("Toutes"))] + [(c.pk, c.name) for c in communes]
        # Rendered in a compact grid, not through crispy: the Bootstrap classes are set here.
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def filter_fields(self):
        """The bound fields of the filters, for the template's grid."""
        return [self[name] for name in self.FILTER_NAMES]

    def filters(self):
        """The valid, non-empty values; a field with a bad value is simply left out."""
        if not self.is_bound:
            return {}
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            name: value
            for name, value in cleaned.items()
            if name not in self.errors and value not in (None, "")
        }


class ExportForm(forms.Form):
    """What to export: the format and the columns (the registry may hold review scores)."""

    format = forms.ChoiceField(
        label=_("Format"),
        choices=[(key, label) for key, (label, _mime, _ext) in EXPORT_FORMATS.items()],
        initial="csv",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    columns = forms.MultipleChoiceField(
        label=_("Colonnes"),
        choices=(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(column.key, column.label) for column in export_columns()]
        self.fields["columns"].choices = choices
        self.fields["columns"].initial = [key for key, _label in choices]


class _MoveForm(forms.Form):
    """A staff move; `text_field` receives the workflow's validation errors."""

    text_field = None


class RequestChangesForm(_MoveForm):
    text_field = "message"

    message = forms.CharField(
        label=_("Message au porteur"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Dites précisément ce qui manque ; ce message est envoyé par e-mail."),
        error_messages={"required": _("Le message au porteur est obligatoire.")},
    )
    deadline = forms.DateField(
        label=_("Date limite de réponse"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Facultative."),
    )

    def clean_deadline(self):
        deadline = self.cleaned_data.get("deadline")
        if deadline and deadline < timezone.localdate():
            raise forms.ValidationError(_("La date limite ne peut pas être passée."))
        return deadline


YES_NO = [("yes", _("Oui")), ("no", _("Non"))]


class DeclareEligibleForm(_MoveForm):
    """The eligibility checklist of the wave (yes or no per item) and an internal note."""

    text_field = "note"

    note = forms.CharField(
        label=_("Note interne"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Jamais montrée au porteur. Obligatoire si un critère n'est pas rempli : "
            "expliquez pourquoi le dossier est tout de même recevable."
        ),
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        answers = application.eligibility_checklist or {}
        self.items = list(eligibility_checklist_items(application))
        checklist_fields = {}
        for code, label in self.items:
            answer = answers.get(code)
            checklist_fields[f"item_{code}"] = forms.ChoiceField(
                label=label,
                choices=YES_NO,
                widget=forms.RadioSelect,
                initial={True: "yes", False: "no"}.get(answer),
                error_messages={"required": _("Répondez par oui ou par non.")},
            )
        # The checklist comes first, the note last.
        note = self.fields.pop("note")
        self.fields.update(checklist_fields)
        self.fields["note"] = note

    def clean(self):
        cleaned = super().clean()
        answered = [f"item_{code}" in cleaned for code, _label in self.items]
        failed = [cleaned.get(f"item_{code}") == "no" for code, _label in self.items]
        if all(answered) and any(failed) and not (cleaned.get("note") or "").strip():
            self.add_error(
                "note",
                _("Un critère n'est pas rempli : justifiez la recevabilité dans la note interne."),
            )
        return cleaned

    def checklist(self):
        """The answers as the workflow stores them: {code: True/False}."""
        return {code: self.cleaned_data[f"item_{code}"] == "yes" for code, _label in self.items}


class MotivationForm(_MoveForm):
    """A move that closes a file: its motivation is mailed to the applicant."""

    text_field = "motivation"

    motivation = forms.CharField(
        label=_("Motivation"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Envoyée par e-mail au porteur de projet."),
        error_messages={"required": _("La motivation est obligatoire.")},
    )


class SelectForReviewForm(_MoveForm):
    """Selecting a file needs no text: the button is the confirmation."""


class ReopenForm(_MoveForm):
    text_field = "reason"

    reason = forms.CharField(
        label=_("Raison de la réouverture"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Envoyée par e-mail au porteur de projet."),
        error_messages={"required": _("La raison de la réouverture est obligatoire.")},
    )


class StaffMessageForm(forms.Form):
    text_field = "body"

    body = forms.CharField(
        label=_("Votre message au porteur"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Le porteur le lit dans son espace et le reçoit par e-mail."),
        error_messages={"required": _("Le message ne peut pas être vide.")},
    )


class StaffNoteForm(forms.Form):
    text_field = "body"

    body = forms.CharField(
        label=_("Note interne"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Visible de l'équipe d'instruction seulement, jamais du porteur."),
        error_messages={"required": _("La note ne peut pas être vide.")},
    )


class BulkSelectionForm(forms.Form):
    """The files ticked in the staff table and the action chosen for them."""

    action = forms.ChoiceField(
        label=_("Action sur les dossiers sélectionnés"),
        choices=(),
        error_messages={"required": _("Choisissez une action.")},
    )
    ids = forms.TypedMultipleChoiceField(
        label=_("Dossiers sélectionnés"),
        coerce=int,
        choices=(),
        error_messages={"required": _("Sélectionnez au moins un dossier.")},
    )

    def __init__(self, *args, actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Choisir une action…"))] + list(actions)
        self.fields["action"].widget.attrs["class"] = "form-select"
        # The ids are checked against the wave by the selector, not listed here.
        self.fields["ids"].valid_value = lambda value: str(value).isdigit()
