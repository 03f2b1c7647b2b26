"""Forms of committees, assignments and the reviewers' declarations and engagement: they
validate and return clean data, never change state."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.enums import ApplicationState
from applications.models import Application
from label.models import Commune
from reviews.assignment import selectors
from reviews.enums import CommitteeKind

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CommitteeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type de comité"), choices=CommitteeKind.choices)
    name = forms.CharField(label=_("Nom"), max_length=200)
    members = forms.ModelMultipleChoiceField(
        label=_("Membres"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Seuls les comptes ayant le rôle d'évaluateur sont proposés."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = selectors.reviewer_candidates()


def _future_date(value):
    if value < timezone.localdate():
        raise forms.ValidationError(_("La date limite ne peut pas être passée."))
    return value


class ManualAssignmentForm(forms.Form):
    """One reviewer for one file. Conflicts are checked by the service, with their reason."""

    application = forms.ModelChoiceField(label=_("Dossier"), queryset=None)
    reviewer = forms.ModelChoiceField(label=_("Évaluateur"), queryset=None)
    due_on = forms.DateField(label=_("Date limite de l'évaluation"), widget=DATE_WIDGET)

    def __init__(self, *args, wave, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = Application.objects.filter(
            wave=wave, state=ApplicationState.IN_REVIEW
        ).order_by("reference", "pk")
        self.fields["application"].label_from_instance = lambda a: f"{a.reference} — {a.title}"
        self.fields["reviewer"].queryset = selectors.reviewer_candidates().filter(
            pk__in=[reviewer.pk for reviewer in reviewers]
        )

    def clean_due_on(self):
        return _future_date(self.cleaned_data["due_on"])


class AutoAssignmentForm(forms.Form):
    per_application = forms.IntegerField(
        label=_("Évaluateurs par dossier"), min_value=1, max_value=20, initial=3
    )
    cap = forms.IntegerField(
        label=_("Plafond de dossiers par évaluateur"),
        min_value=1,
        max_value=200,
        initial=8,
        help_text=_("Compte les dossiers déjà attribués dans cette vague."),
    )
    due_on = forms.DateField(label=_("Date limite des évaluations"), widget=DATE_WIDGET)
    committee = forms.ModelChoiceField(
        label=_("Comité"),
        queryset=None,
        required=False,
        empty_label=_("Tous les comités de la vague"),
    )

    def __init__(self, *args, wave, **kwargs):
        # Its own ids: the manual form beside it on the same page also has a "due_on" field.
        kwargs.setdefault("auto_id", "id_auto_%s")
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = wave.committees.order_by("kind", "name")

    def clean_due_on(self):
        return _future_date(self.cleaned_data["due_on"])


class ReviewerProfileForm(forms.Form):
    organisation = forms.CharField(
        label=_("Organisation d'appartenance"),
        max_length=200,
        required=False,
        help_text=_(
            "Structure qui vous emploie ou que vous représentez : les dossiers qu'elle porte ne "
            "vous seront pas attribués."
        ),
    )
    mandate_communes = forms.ModelMultipleChoiceField(
        label=_("Communes où vous détenez un mandat électif"),
        queryset=Commune.objects.order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_(
            "Les projets situés dans ces communes ne vous seront pas attribués. Maintenez la "
            "touche Ctrl (ou Cmd) pour en choisir plusieurs."
        ),
    )


class AcceptForm(forms.Form):
    confidentiality = forms.BooleanField(
        label=_(
            "Je m'engage à garder confidentiels le dossier, les évaluations et les débats, et à "
            "ne pas les diffuser."
        ),
    )
    no_conflict = forms.BooleanField(
        label=_(
            "Je déclare n'avoir aucun conflit d'intérêts avec ce projet ou son porteur (lien "
            "professionnel, familial, financier, mandat électif dans une de ses communes)."
        ),
    )


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("Nature du conflit d'intérêts"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Par exemple : « membre du conseil d'administration de l'association porteuse ». "
            "Le dossier vous sera retiré."
        ),
    )
