"""Forms of the hand-over to the jury, the jury's pages and the announcement: they validate,
never change state."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.enums import JuryOutcome
from reviews.jury.selectors import jury_member_list
from reviews.models import Review

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


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


class SharedReviewChoiceField(forms.ModelMultipleChoiceField):
    """The reviews offered for sharing, each labelled by its comment for the applicant only."""

    def label_from_instance(self, review):
        return review.shared_comment


class JuryDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Décision"), choices=JuryOutcome.choices, widget=forms.RadioSelect
    )
    motivation = forms.CharField(
        label=_("Motivation"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Communiquée au porteur de projet lors de l'annonce des résultats."),
    )
    conditions = forms.CharField(
        label=_("Conditions (facultatif)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Par exemple : « sous réserve de la signature de la convention avec la commune »."
        ),
    )
    shared_reviews = SharedReviewChoiceField(
        label=_("Commentaires d'évaluateurs transmis au porteur"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Seuls les commentaires que les évaluateurs ont rédigés pour le porteur sont "
            "proposés ; ils lui sont transmis sans le nom de leur auteur."
        ),
    )

    def __init__(self, *args, shareable_reviews, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shared_reviews"].queryset = Review.objects.filter(
            pk__in=[review.pk for review in shareable_reviews]
        ).order_by("submitted_at", "pk")
        if not shareable_reviews:
            # Nothing to offer: no visible field, but a hand-made value is still refused.
            self.fields["shared_reviews"].widget = forms.MultipleHiddenInput()

    @classmethod
    def initial_for(cls, decision):
        if decision is None:
            return {}
        return {
            "outcome": decision.outcome,
            "motivation": decision.motivation,
            "conditions": decision.conditions,
            "shared_reviews": list(decision.shared_reviews.all()),
        }


class RecusalForm(forms.Form):
    reason = forms.CharField(
        label=_("Raison de la récusation"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Par exemple : « lien familial avec le porteur ». Le dossier vous sera fermé et "
            "votre récusation figurera au procès-verbal."
        ),
    )


class JurySessionForm(forms.Form):
    held_on = forms.DateField(label=_("Date de la séance"), widget=DATE_WIDGET)
    place = forms.CharField(label=_("Lieu"), max_length=200)
    members_present = forms.ModelMultipleChoiceField(
        label=_("Membres présents"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Notes de séance (facultatif)"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Reprises au procès-verbal ; jamais montrées aux porteurs de projet."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members_present"].queryset = jury_member_list()


class AnnounceForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "Je confirme l'annonce : les décisions seront appliquées, les porteurs prévenus "
            "par e-mail, les projets labellisés publiés au catalogue. Rien ne pourra être "
            "annulé."
        )
    )


class RevokeForm(forms.Form):
    motivation = forms.CharField(
        label=_("Motivation du retrait"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Transmise au porteur de projet par e-mail ; le retrait est définitif."),
    )
