"""Forms of the dossier d'intention: one per section of the editor, and the documents.

Every field is optional when a section is saved: a draft may be incomplete, and what the
dossier still lacks is said by `conditions.missing_items` (the rule of the submit guard).
What is typed must still be well formed (SIRET, e-mail, amounts, lengths): a bad value is
refused with a French message and the form comes back with everything that was typed.

Each section form gives the service its values with `section_values()`: only the fields that
validated and that the request carried, so a partial autosave never blanks the others.
"""

import copy
import re
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.validators import MaxLengthValidator, RegexValidator
from django.utils.translation import gettext_lazy as _

from applications.enums import AttachmentKind, ProjectStage
from applications.models import Application
from applications.models.application import LONG_TEXT_MAX_LENGTH, SUMMARY_MAX_LENGTH
from applications.uploads import ACCEPT_ATTRIBUTE
from label.enums import HolderType, Theme
from label.models import Commune

FINANCING_PREFIX = "financement"
FINANCING_EXTRA_ROWS = 3
FINANCING_MAX_ROWS = 30


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


class SectionForm(forms.ModelForm):
    """A section of the dossier: a ModelForm whose values go to `application_update_section`.

    The instance is copied: validation writes the typed values on it, and the page around
    the form (progress, checklist) must keep describing what is saved.
    """

    section = ""
    long_text_fields = ()

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, instance=copy.copy(instance), **kwargs)
        for name in self.long_text_fields:
            field = self.fields[name]
            field.validators.append(MaxLengthValidator(LONG_TEXT_MAX_LENGTH))
            # No maxlength attribute: the browser would cut a paste short without a word.
            field.widget.attrs.update({"rows": 6, "data-maxlength": LONG_TEXT_MAX_LENGTH})

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


class HolderForm(SectionForm):
    section = "porteur"

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
        )
        labels = {
            "postcode": _("Code postal (facultatif)"),
            "city": _("Commune du siège (facultatif)"),
        }
        help_texts = {
            "contact_phone": _("Par exemple 03 21 00 00 00."),
        }
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["postcode"].validators.append(postcode_validator)
        self.fields["contact_phone"].validators.append(phone_validator)

    def clean_siret(self):
        return re.sub(r"\s", "", self.cleaned_data["siret"])


class ProjectForm(SectionForm):
    section = "projet"
    long_text_fields = ("description",)
    # The communes are drawn by hand (grouped by agglomeration): errors point at the group.
    error_anchors = {"communes": "communes-fieldset"}

    summary = DossierTextField(
        label=_("Résumé"),
        required=False,
        max_length=SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("500 caractères au plus : il présente le projet en quelques phrases."),
    )
    description = DossierTextField(label=_("Description"), required=False, widget=forms.Textarea)
    themes = forms.MultipleChoiceField(
        label=_("Thématiques"),
        choices=Theme.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Une ou plusieurs."),
    )
    stage = forms.ChoiceField(
        label=_("État d'avancement"),
        choices=ProjectStage.choices,
        required=False,
        widget=forms.RadioSelect,
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

    class Meta:
        model = Application
        fields = (
            "title",
            "summary",
            "description",
            "themes",
            "stage",
            "communes",
            "territory_wide",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No maxlength on the summary either: the counter says how much is over instead.
        self.fields["summary"].widget.attrs.pop("maxlength", None)
        self.fields["summary"].widget.attrs["data-maxlength"] = SUMMARY_MAX_LENGTH

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

    def selected_commune_ids(self):
        """The ids of the checked communes, as strings (what was typed, or what is saved)."""
        value = self["communes"].value() or []
        return {str(getattr(item, "pk", item)) for item in value}


class ContributionForm(SectionForm):
    section = "contribution"
    long_text_fields = (
        "contribution_transition",
        "contribution_feasibility",
        "contribution_diffusion",
        "contribution_innovation",
    )

    class Meta:
        model = Application
        fields = (
            "contribution_transition",
            "contribution_feasibility",
            "contribution_diffusion",
            "contribution_innovation",
        )
        field_classes = dict.fromkeys(fields, DossierTextField)
        help_texts = {
            "contribution_transition": _(
                "Bien-être et cohésion sociale, usage responsable des ressources, préservation "
                "des écosystèmes, résilience, implication des habitants."
            ),
            "contribution_feasibility": _(
                "Faisabilité technique et financière (budget, plan de financement), partenariats."
            ),
            "contribution_diffusion": _(
                "Exemplarité et capacité à inspirer, stratégie de communication."
            ),
            "contribution_innovation": _("Innovation technologique ou sociale."),
        }


def describe_errors(form):
    """Tie each field in error to its message (aria-describedby), for inputs rendered by hand."""
    for name in form.errors:
        if name in form.fields:
            form.fields[name].widget.attrs["aria-describedby"] = f"{form[name].auto_id}_error"


class FinancingLineForm(forms.Form):
    """One line of the financing plan; a line left wholly empty is simply ignored."""

    source = forms.CharField(
        label=_("Financeur ou source"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    amount = EuroAmountField(
        label=_("Montant (€)"),
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "data-financing-amount": ""}),
    )
    secured = forms.BooleanField(
        label=_("Acquis"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def clean(self):
        cleaned = super().clean()
        source = (cleaned.get("source") or "").strip()
        amount = cleaned.get("amount")
        if not source and amount is None and "amount" not in self.errors:
            cleaned["empty"] = True
            return cleaned
        if not source and "source" not in self.errors:
            self.add_error("source", _("Indiquez le financeur de ce montant."))
        if amount is None and "amount" not in self.errors:
            self.add_error("amount", _("Indiquez le montant de cette ligne."))
        return cleaned

    def full_clean(self):
        super().full_clean()
        describe_errors(self)


class BaseFinancingFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].label = _("Supprimer")
        form.fields["DELETE"].widget.attrs["class"] = "form-check-input"


FinancingFormSet = forms.formset_factory(
    FinancingLineForm,
    formset=BaseFinancingFormSet,
    extra=FINANCING_EXTRA_ROWS,
    can_delete=True,
    max_num=FINANCING_MAX_ROWS,
    validate_max=True,
    absolute_max=FINANCING_MAX_ROWS + FINANCING_EXTRA_ROWS,
)


class BudgetForm(SectionForm):
    """Partners, budget and calendar, with the financing plan as a formset of lines."""

    section = "budget"
    long_text_fields = ("partners", "milestones", "diffusion_strategy", "expected_support")

    total_cost = EuroAmountField(label=_("Coût total du projet (€)"), required=False)

    class Meta:
        model = Application
        fields = (
            "partners",
            "total_cost",
            "milestones",
            "diffusion_strategy",
            "expected_support",
        )
        field_classes = {
            "partners": DossierTextField,
            "milestones": DossierTextField,
            "diffusion_strategy": DossierTextField,
            "expected_support": DossierTextField,
        }
        help_texts = {
            "partners": _("Les partenaires du projet et leur rôle."),
            "milestones": _("Les grandes étapes du projet et leur calendrier."),
        }

    def __init__(self, data=None, *args, instance=None, **kwargs):
        super().__init__(data, *args, instance=instance, **kwargs)
        # The saved lines only fill the page. A submitted plan is taken as it is: compared
        # with lines saved since the page was shown (by the autosave), unchanged rows would
        # count as empty and be dropped.
        initial = None
        if data is None:
            initial = [
                {"source": line.source, "amount": line.amount, "secured": line.secured}
                for line in instance.financing_lines.all()
            ]
        self.financing = FinancingFormSet(data, initial=initial, prefix=FINANCING_PREFIX)

    def is_valid(self):
        form_valid = super().is_valid()
        return self.financing.is_valid() and form_valid

    def financing_submitted(self):
        return self.is_bound and f"{FINANCING_PREFIX}-TOTAL_FORMS" in self.data

    def financing_lines(self):
        """The lines of the plan to save, in order: neither deleted nor left empty."""
        return [
            {key: form.cleaned_data[key] for key in ("source", "amount", "secured")}
            for form in self.financing.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and not form.cleaned_data.get("empty")
        ]

    def section_values(self):
        values = super().section_values()
        if self.financing_submitted() and self.financing.is_valid():
            values["financing_lines"] = self.financing_lines()
        return values


class ConsentForm(forms.Form):
    section = "consentement"

    consent = forms.BooleanField(
        label=_(
            "J'ai pris connaissance de cette information et j'accepte que les données "
            "personnelles de ce dossier soient traitées pour son instruction."
        ),
        required=False,
    )

    def __init__(self, *args, instance=None, **kwargs):
        kwargs.setdefault("initial", {"consent": bool(instance and instance.consent_given_at)})
        super().__init__(*args, **kwargs)

    def section_values(self):
        return {"consent": self.cleaned_data["consent"]}


class AttachmentForm(forms.Form):
    """A document to attach; what it really is gets checked by applications.uploads."""

    kind = forms.ChoiceField(
        label=_("Type de pièce"),
        choices=[("", _("— Choisissez —")), *AttachmentKind.choices],
        error_messages={"required": _("Choisissez le type de la pièce.")},
    )
    file = forms.FileField(
        label=_("Fichier"),
        widget=forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
        error_messages={"required": _("Choisissez un fichier à joindre.")},
    )


@dataclass(frozen=True)
class DossierSection:
    """A step of the editor: its address, its title and the form that edits it."""

    slug: str
    title: str
    form_class: type | None
    autosave: bool = True


# The steps of the editor, in order. "pieces" has no section form: each document is
# added or removed on its own.
DOSSIER_SECTIONS = (
    DossierSection("porteur", _("Porteur du projet"), HolderForm),
    DossierSection("projet", _("Le projet"), ProjectForm),
    DossierSection("contribution", _("Contribution aux critères"), ContributionForm),
    DossierSection("budget", _("Partenaires, budget et calendrier"), BudgetForm),
    DossierSection("pieces", _("Pièces jointes"), None, autosave=False),
    DossierSection("consentement", _("Données personnelles"), ConsentForm, autosave=False),
)
SECTIONS_BY_SLUG = {section.slug: section for section in DOSSIER_SECTIONS}
