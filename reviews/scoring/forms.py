"""Forms of the criteria grid and of a review: they validate and return clean data, never
change state."""

from django import forms
from django.forms import modelformset_factory
from django.utils.translation import gettext_lazy as _

from reviews.enums import Opinion
from reviews.models import Criterion


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


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de la réouverture"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Transmis à l'évaluateur par e-mail."),
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
