"""Forms of the catalogue's photo pages: the holder's proposal and staff's refusal."""

from django import forms
from django.utils.translation import gettext_lazy as _

from catalogue.photos import PHOTO_CONSENT_TEXT, PHOTO_MAX_BYTES


class PhotoProposalForm(forms.Form):
    """The holder's photo, its text alternative, its credit and the consent to publish it.

    The file itself is checked by the service (photo_propose), which reports on this form.
    """

    file = forms.FileField(
        label=_("Photo"),
        error_messages={"required": _("Choisissez la photo à envoyer.")},
        help_text=_(
            "JPEG, PNG ou WebP, %(max)s Mo au plus, 800 pixels de large au moins. "
            "Préférez une photo en largeur, sans texte incrusté."
        )
        % {"max": PHOTO_MAX_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    alt = forms.CharField(
        label=_("Texte alternatif"),
        max_length=250,
        error_messages={"required": _("Décrivez ce que montre la photo.")},
        help_text=_(
            "Ce que montre la photo, en une phrase, pour les personnes qui ne la voient pas. "
            "Par exemple : « Des bénévoles plantent des arbres fruitiers au bord du terril »."
        ),
    )
    credit = forms.CharField(
        label=_("Crédit"),
        max_length=200,
        error_messages={"required": _("Indiquez l'auteur ou le détenteur des droits de la photo.")},
        help_text=_(
            "L'auteur de la photo ou le détenteur des droits, publié sous la photo sous la forme "
            "« © Nom »."
        ),
    )
    consent = forms.BooleanField(
        label=PHOTO_CONSENT_TEXT,
        error_messages={
            "required": _("Cochez la case pour confirmer votre droit de publier la photo.")
        },
    )


class PhotoRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus, envoyé au porteur"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
