"""Forms of the personal-data pages: the deletion of one's account."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import PasswordConfirmForm


class AccountDeleteForm(PasswordConfirmForm):
    """The confirmation of an account's deletion: the password and an explicit tick."""

    confirm = forms.BooleanField(
        label=_(
            "J'ai lu ce qui sera supprimé et ce qui sera conservé, et je demande la "
            "suppression de mon compte."
        ),
    )
