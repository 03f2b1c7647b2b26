"""Forms of the label app: the waves, as the instruction team creates and edits them."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from label.dates import PARIS
from label.models import Wave, WaveMailText
from label.wave_texts import ELIGIBILITY_ITEM_MAX_LENGTH


class ParisDateTimeField(forms.DateTimeField):
    """A date-time typed and shown in Paris time, whatever time zone is active.

    The call's dates are Paris wall-clock dates (the deadline is « 31 mai à 23:59 » for
    everyone), so the form neither depends on nor changes the active time zone.
    """

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def prepare_value(self, value):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            return timezone.make_naive(value, PARIS)
        return value

    def to_python(self, value):
        with timezone.override(PARIS):
            return super().to_python(value)


class WaveForm(forms.ModelForm):
    """A wave as the instruction team creates and edits it; dates in Paris time.

    The model's validation refuses a closing before the opening and a call period that
    overlaps another wave's (one call open at a time).
    """

    class Meta:
        model = Wave
        fields = [
            "number",
            "year",
            "title",
            "edition_name",
            "opens_at",
            "closes_at",
            "instruction_starts_on",
            "instruction_ends_on",
            "ceremony_on",
            "ceremony_place",
            "introduction",
            "eligibility_text",
            "signatory_name",
            "signatory_title",
            "signatory_image",
            "jury_may_record_decisions",
        ]
        field_classes = {"opens_at": ParisDateTimeField, "closes_at": ParisDateTimeField}
        widgets = {
            "instruction_starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "instruction_ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ceremony_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "introduction": forms.Textarea(attrs={"rows": 5}),
            "eligibility_text": forms.Textarea(attrs={"rows": 5}),
            "signatory_image": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
        }
        help_texts = {
            "opens_at": _("Date et heure de Paris à partir desquelles les dossiers sont déposés."),
            "closes_at": _(
                "Date et heure de Paris après lesquelles aucun dossier ne peut être déposé."
            ),
        }
        error_messages = {
            "number": {"unique": _("Une vague porte déjà ce numéro.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # References (EL11-0042) are built on the number: once given, it cannot change.
        if self.instance.pk and self.instance.applications.exclude(reference=None).exists():
            self.fields["number"].disabled = True
            self.fields["number"].help_text = _(
                "Des dossiers ont déjà reçu une référence de cette vague : son numéro est figé."
            )

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("instruction_starts_on"), cleaned.get("instruction_ends_on")
        if starts and ends and ends < starts:
            self.add_error(
                "instruction_ends_on",
                _("La fin de l'instruction doit suivre son début."),
            )
        closes, ceremony = cleaned.get("closes_at"), cleaned.get("ceremony_on")
        if closes and ceremony and ceremony < timezone.localtime(closes, PARIS).date():
            self.add_error(
                "ceremony_on",
                _("La cérémonie doit avoir lieu après la clôture de l'appel."),
            )
        return cleaned


class WaveMailTextForm(forms.ModelForm):
    """The subject and text of one announcement mail of a wave (one form per outcome).

    The model's validation refuses unknown or badly written placeholders: the message goes
    next to the field that holds them.
    """

    class Meta:
        model = WaveMailText
        fields = ["subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}


class WaveEligibilityChecklistForm(forms.Form):
    """The eligibility checklist of a wave, one item per line."""

    lines = forms.CharField(
        label=_("Critères de recevabilité, un par ligne"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "L'équipe d'instruction coche chacun de ces critères avant de déclarer un dossier "
            "recevable. Modifiable jusqu'à la première décision de recevabilité de la vague."
        ),
    )

    def clean_lines(self):
        lines = [" ".join(line.split()) for line in self.cleaned_data["lines"].splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            raise forms.ValidationError(_("Indiquez au moins un critère."))
        too_long = [line for line in lines if len(line) > ELIGIBILITY_ITEM_MAX_LENGTH]
        if too_long:
            raise forms.ValidationError(
                _("Un critère compte au plus %(max)d caractères : « %(line)s… » est trop long.")
                % {"max": ELIGIBILITY_ITEM_MAX_LENGTH, "line": too_long[0][:40]}
            )
        if len(set(lines)) != len(lines):
            raise forms.ValidationError(_("Un même critère figure deux fois."))
        return "\n".join(lines)
