"""Forms of the follow-up: they validate and return clean data, never change state."""

from django import forms
from django.utils.translation import gettext_lazy as _

from followup.enums import SupportKind, SupportRequestStatus
from followup.models import ConventionModel
from label.enums import Epci, Role, Theme
from label.models import User, Wave


class ConventionModelForm(forms.ModelForm):
    """The wave's model text of the convention, edited by staff."""

    class Meta:
        model = ConventionModel
        fields = [
            "preamble",
            "holder_commitments",
            "pma_commitments",
            "revocation_clause",
            "duration_years",
        ]
        widgets = {
            "preamble": forms.Textarea(attrs={"rows": 4}),
            "holder_commitments": forms.Textarea(attrs={"rows": 6}),
            "pma_commitments": forms.Textarea(attrs={"rows": 6}),
            "revocation_clause": forms.Textarea(attrs={"rows": 4}),
        }


class SupportChoiceForm(forms.Form):
    """The support the holder chooses for the convention."""

    support = forms.MultipleChoiceField(
        label=_("Accompagnement souhaité"),
        choices=SupportKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class ConventionAcceptForm(forms.Form):
    """The holder's acceptance: who signs, in what capacity, having read the convention."""

    name = forms.CharField(label=_("Nom et prénom du signataire"), max_length=150)
    capacity = forms.CharField(
        label=_("Qualité du signataire"),
        max_length=150,
        help_text=_("Par exemple : présidente de l'association, maire, directeur."),
    )
    read_and_accepted = forms.BooleanField(
        label=_(
            "J'ai lu la convention d'accompagnement et je l'accepte au nom du porteur du projet."
        ),
        required=True,
    )


class SupportRequestForm(forms.Form):
    """A new request for support."""

    kind = forms.ChoiceField(label=_("Type d'accompagnement"), choices=SupportKind.choices)
    subject = forms.CharField(label=_("Objet"), max_length=200)
    body = forms.CharField(
        label=_("Votre demande"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )


class SupportMessageForm(forms.Form):
    """A message in a request's thread."""

    body = forms.CharField(
        label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SupportRequestUpdateForm(forms.Form):
    """Staff set a request's status and its staff owner."""

    status = forms.ChoiceField(label=_("État"), choices=SupportRequestStatus.choices)
    owner = forms.ModelChoiceField(
        label=_("Chargé·e de suivi"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            User.objects.filter(is_active=True, groups__name=Role.INSTRUCTION)
            .distinct()
            .order_by("full_name")
        )


class IndicatorForm(forms.Form):
    """A new indicator of the project, with its unit."""

    name = forms.CharField(
        label=_("Indicateur"),
        max_length=120,
        help_text=_("Par exemple : parcelles attribuées, tonnes de CO₂ évitées, bénévoles."),
    )
    unit = forms.CharField(
        label=_("Unité"), max_length=40, help_text=_("Par exemple : t, m², personnes.")
    )


class ReportForm(forms.Form):
    """The yearly report: texts and one number per indicator (text is refused)."""

    achievements = forms.CharField(
        label=_("Ce qui a été réalisé cette année"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    difficulties = forms.CharField(
        label=_("Difficultés rencontrées"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for indicator in self.indicators:
            self.fields[f"indicator_{indicator.pk}"] = forms.DecimalField(
                label=f"{indicator.name} ({indicator.unit})",
                required=False,
                max_digits=14,
                decimal_places=2,
                localize=True,
                help_text=_("Un nombre, dans l'unité indiquée."),
            )

    def indicator_values(self):
        """Indicator ids mapped to the number typed, or None when left empty."""
        return {
            indicator.pk: self.cleaned_data.get(f"indicator_{indicator.pk}")
            for indicator in self.indicators
        }


class ReportPhotoForm(forms.Form):
    """A photo of the report with its text alternative and the consent to publish it."""

    image = forms.FileField(label=_("Photo (JPEG ou PNG)"))
    alt_text = forms.CharField(
        label=_("Texte alternatif"),
        max_length=250,
        help_text=_("Ce que montre la photo, pour les personnes qui ne la voient pas."),
    )
    consent = forms.BooleanField(
        label=_("Les personnes reconnaissables sur la photo ont consenti à sa diffusion."),
        required=True,
    )


class FollowupFilterForm(forms.Form):
    """The filters of the staff list: wave, agglomeration, theme."""

    wave = forms.TypedChoiceField(label=_("Vague"), required=False, coerce=int, empty_value=None)
    agglomeration = forms.ChoiceField(
        label=_("Agglomération"), required=False, choices=[("", _("Toutes"))] + list(Epci.choices)
    )
    theme = forms.ChoiceField(
        label=_("Thème"), required=False, choices=[("", _("Tous"))] + list(Theme.choices)
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wave"].choices = [("", _("Toutes"))] + [
            (wave.number, str(wave)) for wave in Wave.objects.order_by("-number")
        ]


class NewsForm(forms.Form):
    """A short news item of the project, with an optional photo and its text alternative."""

    title = forms.CharField(label=_("Titre de l'actualité"), max_length=150)
    body = forms.CharField(
        label=_("Texte"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    image = forms.FileField(label=_("Photo (JPEG ou PNG, facultative)"), required=False)
    image_alt = forms.CharField(
        label=_("Texte alternatif de la photo"),
        max_length=250,
        required=False,
        help_text=_("Obligatoire avec une photo : ce qu'elle montre."),
    )

    def clean(self):
        data = super().clean()
        if data.get("image") and not (data.get("image_alt") or "").strip():
            self.add_error("image_alt", _("Décrivez la photo dans son texte alternatif."))
        return data
