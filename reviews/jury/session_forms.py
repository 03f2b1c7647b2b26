"""Forms of the jury in session: they validate, never change state."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.jury.forms import DATE_WIDGET
from reviews.jury.selectors import jury_member_list
from reviews.models.sessions import AdvisoryOpinionChoice, VoteChoice


class SessionOpenForm(forms.Form):
    held_on = forms.DateField(label=_("Date de la séance"), widget=DATE_WIDGET)
    place = forms.CharField(label=_("Lieu"), max_length=200)
    members_convened = forms.ModelMultipleChoiceField(
        label=_("Membres convoqués"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    president = forms.ModelChoiceField(
        label=_("Président ou présidente"),
        queryset=None,
        help_text=_("L'un des membres convoqués ; sa voix départage une égalité."),
    )
    quorum = forms.IntegerField(
        label=_("Quorum (facultatif)"),
        required=False,
        min_value=1,
        help_text=_("Nombre de présents requis pour voter ; la moitié des convoqués par défaut."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members_convened"].queryset = jury_member_list()
        self.fields["president"].queryset = jury_member_list()


class VoteForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("Votre vote"), choices=VoteChoice.choices, widget=forms.RadioSelect
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de la réouverture"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ItemWriteForm(forms.Form):
    motivation = forms.CharField(
        label=_("Motivation"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Communiquée au porteur de projet lors de l'annonce."),
    )
    atouts = forms.CharField(
        label=_("Atouts reconnus (facultatif)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Les forces du projet, publiées avec le label."),
    )


class AdvisoryOpinionForm(forms.Form):
    opinion = forms.ChoiceField(
        label=_("Avis"), choices=AdvisoryOpinionChoice.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Commentaire (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
