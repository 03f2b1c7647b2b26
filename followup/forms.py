"""Forms of the follow-up: they validate and return clean data, never change state."""

from django import forms
from django.utils.translation import gettext_lazy as _

from followup.enums import SupportKind, SupportRequestStatus
from followup.models import ConventionModel
from label.enums import Role
from label.models import User


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
