"""Forms of the dossier d'intention, built from the wave's form (callforms.FormSpec).

One form class serves every section of the editor: the builtin questions of the section are
fields of the ModelForm (their storage and validation stay the model's), the other questions
are fields made by their kind (`QuestionSpec.form_field`), whose cleaned value is the JSON
stored in `Application.answers`. No list of dossier questions is written here.

Every field is optional when a section is saved: a draft may be incomplete, and what the
dossier still lacks is said by `conditions.missing_items` (the rule of the submit guard).
What is typed must still be well formed (SIRET, e-mail, amounts, lengths, the kinds' own
limits): a bad value is refused with a French message next to the field, and the form comes
back with everything that was typed.

The form gives the service its values with `section_values()`: only the fields that validated
and that the request carried, so a partial autosave never blanks the others.
"""

import copy
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from applications.models.application import SUMMARY_MAX_LENGTH
from callforms.enums import QuestionKind
from label.enums import HolderType, Theme
from label.models import Commune

# The builtin questions whose value is not a column of the same name.
COMMUNES_FIELDS = ("communes", "territory_wide")
CONSENT_FIELD = "consent"


class DossierTextField(forms.CharField):
    """Text whose line breaks count one character each, as the browser's counter counts them.

    Browsers send a line break as CR LF; without this a 500-character summary with a few
    paragraphs would be refused while the page said it fitted.
    """

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


class EuroAmountField(forms.DecimalField):
    """An amount in euros typed the French way: « 12 000,50 », « 12000.5 » or « 12 000 € »."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[\s\u00a0\u202f€]", "", value)
            if "," in value and "." in value:
                # Both marks: the last one is the decimal separator, the other groups thousands.
                if value.rfind(",") > value.rfind("."):
                    value = value.replace(".", "").replace(",", ".")
                else:
                    value = value.replace(",", "")
            else:
                value = value.replace(",", ".")
        return super().to_python(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        return attrs


phone_validator = RegexValidator(
    r"^\+?[\d\s.()-]{10,20}$",
    _("Saisissez un numéro de téléphone valide, par exemple 03 21 00 00 00."),
)
postcode_validator = RegexValidator(r"^\d{5}$", _("Le code postal comporte 5 chiffres."))


class DossierForm(forms.ModelForm):
    """One section of the dossier, as the wave's form declares it.

    The instance is copied: validation writes the typed values on it, and the page around
    the form (progress, checklist) must keep describing what is saved. The builtin fields of
    the other sections are removed; the section's other questions are added by their kind.
    """

    # The communes are drawn by hand (grouped by agglomeration): errors point at the group.
    error_anchors = {"communes": "communes-fieldset"}

    holder_type = forms.ChoiceField(
        label=_("Type de porteur"),
        choices=[("", _("— Choisissez —")), *HolderType.choices],
        required=False,
    )
    # Longer than the 14 digits of the column: a SIRET may be typed with spaces, which
    # clean_siret removes before the model's validator checks length and Luhn key.
    siret = forms.CharField(
        label=_("SIRET (facultatif)"),
        max_length=20,
        required=False,
        help_text=_("14 chiffres, espaces permis ; la clé de contrôle est vérifiée."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    summary = DossierTextField(
        label=_("Résumé"),
        required=False,
        max_length=SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("500 caractères au plus : il présente le projet en quelques phrases."),
    )
    themes = forms.MultipleChoiceField(
        label=_("Thématiques"),
        choices=Theme.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Une ou plusieurs."),
    )
    communes = forms.ModelMultipleChoiceField(
        label=_("Communes du projet"),
        queryset=Commune.objects.order_by("epci", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    territory_wide = forms.BooleanField(
        label=_("Le projet concerne tout le territoire du Pôle métropolitain"),
        required=False,
        help_text=_("Dans ce cas, ne cochez pas de communes."),
    )
    total_cost = EuroAmountField(label=_("Coût total du projet (€)"), required=False)
    consent = forms.BooleanField(
        label=_(
            "J'ai pris connaissance de cette information et j'accepte que les données "
            "personnelles de ce dossier soient traitées pour son instruction."
        ),
        required=False,
    )

    class Meta:
        model = Application
        fields = (
            "holder_name",
            "holder_type",
            "siret",
            "address",
            "postcode",
            "city",
            "contact_name",
            "contact_email",
            "contact_phone",
            "title",
            "summary",
            "themes",
            "communes",
            "territory_wide",
            "total_cost",
        )
        labels = {
            "postcode": _("Code postal (facultatif)"),
            "city": _("Commune du siège (facultatif)"),
        }
        help_texts = {"contact_phone": _("Par exemple 03 21 00 00 00.")}
        widgets = {
            "holder_name": forms.TextInput(attrs={"autocomplete": "organization"}),
            # "street-address" is for a multi-line field; this one holds one line.
            "address": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "postcode": forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "postal-code"}
            ),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }

    def __init__(self, data=None, *args, instance=None, section=None, **kwargs):
        self.section_spec = section
        kwargs.setdefault("initial", {CONSENT_FIELD: bool(instance and instance.consent_given_at)})
        super().__init__(data, *args, instance=copy.copy(instance), **kwargs)
        self.fields["postcode"].validators.append(postcode_validator)
        self.fields["contact_phone"].validators.append(phone_validator)
        # No maxlength on the summary: the counter says how much is over instead.
        self.fields["summary"].widget.attrs.pop("maxlength", None)
        self.fields["summary"].widget.attrs["data-maxlength"] = SUMMARY_MAX_LENGTH
        builtin = set()
        self.answer_keys = []
        answers = (instance.answers if instance is not None else None) or {}
        for question in section.questions:
            if question.kind == QuestionKind.BUILTIN:
                names = builtin_form_fields(question.builtin_field)
                builtin.update(names)
                self._reword(question, names[0])
            elif question.kind != QuestionKind.FILES:
                self.fields[question.key] = answer_field(question)
                self.initial[question.key] = answers.get(question.key)
                self.answer_keys.append(question.key)
        for name in [name for name in self.fields if name not in builtin]:
            if name not in self.answer_keys:
                del self.fields[name]

    def _reword(self, question, name):
        """Staff may reword a builtin question: its label and help text come from the form."""
        if name in self.fields and question.label:
            self.fields[name].label = question.label
            if question.help_text:
                self.fields[name].help_text = question.help_text

    def clean_siret(self):
        return re.sub(r"\s", "", self.cleaned_data["siret"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("territory_wide") and cleaned.get("communes"):
            message = _(
                "Choisissez des communes ou « tout le territoire », pas les deux : décochez "
                "l'un ou l'autre."
            )
            self.add_error("territory_wide", message)
            self.add_error("communes", message)
        return cleaned

    def full_clean(self):
        super().full_clean()
        describe_errors(self)

    def submitted_field_names(self):
        """The fields the request carried (an unchecked box counts: it is never sent)."""
        return [
            name
            for name, field in self.fields.items()
            if not field.widget.value_omitted_from_data(
                self.data, self.files, self.add_prefix(name)
            )
        ]

    def section_values(self):
        """The values to save: fields that validated and that the request carried."""
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned[name] for name in self.submitted_field_names() if name in cleaned}


def builtin_form_fields(builtin_field):
    """The form fields that ask a builtin question (the communes come with « tout le
    territoire »)."""
    if builtin_field == "communes":
        return COMMUNES_FIELDS
    return (builtin_field,)


def answer_field(question):
    """The form field of a question stored in `answers`: its kind's widget and checks, and a
    cleaned value that is already the JSON to store (`QuestionSpec.clean`)."""
    form_field = question.form_field()
    form_field.required = False
    form_field.clean = question.clean
    if question.kind == QuestionKind.TABLE:
        form_field.widget.value_from_datadict = _without_deleted_rows(
            form_field.widget.value_from_datadict
        )
    return form_field


def _without_deleted_rows(read_rows):
    """A table's rows as typed, less those whose « Supprimer » box is ticked
    (`<name>-<row>-DELETE`, a box the editor adds to each row)."""

    def value_from_datadict(data, files, name):
        rows = read_rows(data, files, name)
        if not isinstance(rows, list):
            return rows
        return [row for index, row in enumerate(rows) if f"{name}-{index}-DELETE" not in data]

    return value_from_datadict


def describe_errors(form):
    """Tie each field in error to its message (aria-describedby), for inputs rendered by hand."""
    for name in form.errors:
        if name in form.fields:
            form.fields[name].widget.attrs["aria-describedby"] = f"{form[name].auto_id}_error"


class AttachmentForm(forms.Form):
    """A document to attach to one file question of the wave's form; what the file really is
    gets checked by applications.uploads, its type and size by the question's limits."""

    kind = forms.ChoiceField(
        label=_("Type de pièce"),
        error_messages={"required": _("Choisissez le type de la pièce.")},
    )
    file = forms.FileField(
        label=_("Fichier"),
        error_messages={"required": _("Choisissez un fichier à joindre.")},
    )

    def __init__(self, *args, file_questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            ("", _("— Choisissez —")),
            *((question.key, question.label) for question in file_questions),
        ]
        accept = sorted(
            {ext for question in file_questions for ext in question.options.get("accept") or []}
        )
        if accept:
            self.fields["file"].widget.attrs["accept"] = ",".join(accept)


@dataclass(frozen=True)
class DossierSection:
    """A step of the editor, from a section of the wave's form."""

    slug: str
    title: str
    introduction: str
    spec: object = field(repr=False, compare=False)

    @property
    def file_questions(self):
        return [q for q in self.spec.questions if q.kind == QuestionKind.FILES]

    @property
    def has_form(self):
        """Does the section have answers typed in a form (not only documents)?"""
        return any(q.kind != QuestionKind.FILES for q in self.spec.questions)

    @property
    def autosave(self):
        # Documents are sent one by one; the consent is given by a deliberate click.
        return self.has_form and not any(
            q.builtin_field == CONSENT_FIELD for q in self.spec.questions
        )


def dossier_sections(form_spec):
    """The steps of the editor, in the order of the wave's form."""
    return tuple(
        DossierSection(section.key, section.title, section.introduction, section)
        for section in form_spec.sections
    )
