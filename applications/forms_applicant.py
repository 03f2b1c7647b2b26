"""Forms of the applicant area: the message thread, the answer to a completion request, and
the expression of interest left on the call page.

They validate and return clean data; the views hand it to one workflow or service function.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.services import MESSAGE_MAX_LENGTH
from applications.uploads import ACCEPT_ATTRIBUTE, ACCEPTED_FORMATS_LABEL

REPLY_MAX_LENGTH = 5000


class ApplicantMessageForm(forms.Form):
    """A message of the applicant to the instruction team, with an optional document."""

    body = forms.CharField(
        label=_("Votre message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Écrivez votre message avant de l'envoyer.")},
    )
    attachment = forms.FileField(
        label=_("Pièce jointe (facultatif)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachment"].help_text = _(
            "Formats acceptés : %(formats)s ; 10 Mo au plus."
        ) % {"formats": ACCEPTED_FORMATS_LABEL}


class ResubmitForm(forms.Form):
    """The applicant's answer to a completion request, filed with the completed dossier."""

    reply = forms.CharField(
        label=_("Votre réponse à l'équipe d'instruction"),
        max_length=REPLY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Indiquez ce que vous avez complété ou modifié dans le dossier."),
        error_messages={
            "required": _("Expliquez en quelques mots ce que vous avez complété."),
        },
    )


class ConfirmForm(forms.Form):
    """An empty form: a confirmation page posts only its CSRF token."""


class ExpressionOfInterestForm(forms.Form):
    """An address to write to when the next call opens, and a few words on the project.

    `website` is a honeypot: hidden from people (and from screen readers), filled by robots.
    """

    email = forms.EmailField(
        label=_("Votre adresse e-mail"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    message = forms.CharField(
        label=_("Votre projet en quelques lignes (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    website = forms.CharField(
        label=_("Laissez ce champ vide"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
