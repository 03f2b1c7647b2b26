"""Forms of the reviews app: they validate and return clean data, never change state."""

from django import forms
from django.forms import modelformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.enums import ApplicationState
from applications.models import Application
from label.models import Commune, Criterion
from reviews import selectors
from reviews.enums import CommitteeKind, Opinion

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# --- Staff: grid, committees, assignments --------------------------------------------------


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = [
            "position",
            "group",
            "code",
            "label",
            "help_text",
            "weight",
            "scale_max",
            "required",
            "counts_in_ranking",
        ]
        widgets = {"help_text": forms.Textarea(attrs={"rows": 2})}


class BaseCriterionFormSet(forms.BaseModelFormSet):
    def clean(self):
        super().clean()
        codes = set()
        kept = 0
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            kept += 1
            code = form.cleaned_data.get("code")
            if code in codes:
                form.add_error("code", _("Ce code est déjà utilisé par un autre critère."))
            codes.add(code)
        if kept == 0:
            raise forms.ValidationError(_("La grille doit garder au moins un critère."))


CriterionFormSet = modelformset_factory(
    Criterion, form=CriterionForm, formset=BaseCriterionFormSet, extra=1, can_delete=True
)


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


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de la réouverture"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Transmis à l'évaluateur par e-mail."),
    )


class SendToJuryForm(forms.Form):
    waive_missing = forms.BooleanField(
        label=_("Transmettre sans attendre les évaluations manquantes"),
        required=False,
        help_text=_("À cocher pour renoncer explicitement aux évaluations non remises."),
    )
    note = forms.CharField(
        label=_("Note interne"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Jamais montrée au porteur de projet."),
    )


# --- Reviewers ----------------------------------------------------------------------------


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


class ReviewForm(forms.Form):
    """The grid: a score and a comment per criterion, the opinion and the two comments.

    With `submitting=True`, the required criteria and the opinion must be given; errors are
    tied to their fields. The service checks the same again.
    """

    opinion = forms.ChoiceField(
        label=_("Avis global"),
        choices=[("", _("— à choisir —")), *Opinion.choices],
        required=False,
    )
    shared_comment = forms.CharField(
        label=_("Commentaire transmissible au porteur"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Peut être communiqué au porteur après la décision, sans votre nom."),
    )
    private_comment = forms.CharField(
        label=_("Commentaire réservé au jury"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Jamais communiqué au porteur de projet."),
    )

    def __init__(self, *args, criteria, submitting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        self.submitting = submitting
        for criterion in self.criteria:
            scale = _("La note doit être comprise entre 0 et %(max)d.") % {
                "max": criterion.scale_max
            }
            label = f"{criterion.code}. {criterion.label}"
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=_("Note — %(label)s") % {"label": label},
                choices=[("", _("— non noté —"))]
                + [(str(value), str(value)) for value in criterion.scale_values],
                coerce=int,
                empty_value=None,
                required=False,
                help_text=_("De 0 à %(max)d. %(help)s")
                % {"max": criterion.scale_max, "help": criterion.help_text},
                error_messages={"invalid_choice": scale},
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Commentaire — %(code)s") % {"code": criterion.code},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def criterion_fields(self):
        """[(criterion, score field, comment field)] for the template, in grid order."""
        return [
            (criterion, self[f"score_{criterion.pk}"], self[f"comment_{criterion.pk}"])
            for criterion in self.criteria
        ]

    def clean(self):
        cleaned = super().clean()
        if self.submitting:
            for criterion in self.criteria:
                name = f"score_{criterion.pk}"
                if criterion.required and cleaned.get(name) is None and name not in self.errors:
                    self.add_error(
                        name, _("Ce critère est obligatoire pour remettre l'évaluation.")
                    )
            if not cleaned.get("opinion"):
                self.add_error(
                    "opinion", _("L'avis global est obligatoire pour remettre l'évaluation.")
                )
        return cleaned

    def scores(self):
        """{criterion pk: {"value", "comment"}} for the workflow functions."""
        return {
            criterion.pk: {
                "value": self.cleaned_data.get(f"score_{criterion.pk}"),
                "comment": self.cleaned_data.get(f"comment_{criterion.pk}", ""),
            }
            for criterion in self.criteria
        }

    @classmethod
    def initial_for(cls, review, scores_by_criterion):
        """Initial values from a saved review and its {criterion pk: Score}."""
        initial = {}
        if review is not None:
            initial.update(
                opinion=review.opinion,
                shared_comment=review.shared_comment,
                private_comment=review.private_comment,
            )
        for criterion_pk, score in scores_by_criterion.items():
            initial[f"score_{criterion_pk}"] = "" if score.value is None else str(score.value)
            initial[f"comment_{criterion_pk}"] = score.comment
        return initial
