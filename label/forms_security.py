"""Forms of the account's security pages: second factor, data download and account deletion."""

from django import forms
from django.utils.translation import gettext_lazy as _

from label import otp

CODE_WIDGET_ATTRS = {
    "autocomplete": "one-time-code",
    "inputmode": "numeric",
    "autocapitalize": "off",
    "spellcheck": "false",
}


class OTPCodeForm(forms.Form):
    """A 6-digit code of the authenticator application (enrolment, renewals)."""

    code = forms.CharField(
        label=_("Code à 6 chiffres affiché par l'application"),
        max_length=20,
        widget=forms.TextInput(attrs={**CODE_WIDGET_ATTRS, "pattern": "[0-9 ]*"}),
    )

    def clean_code(self):
        code = otp.normalise_code(self.cleaned_data["code"])
        if len(code) != otp.DIGITS or not code.isdigit():
            raise forms.ValidationError(_("Saisissez les 6 chiffres affichés par l'application."))
        return code


class OTPVerifyForm(forms.Form):
    """The second step of the login: a code of the application, or a recovery code."""

    code = forms.CharField(
        label=_("Code à 6 chiffres, ou code de secours"),
        help_text=_(
            "Le code affiché par votre application d'authentification ; si vous n'avez plus "
            "accès à votre téléphone, l'un de vos codes de secours (XXXX-XXXX-XXXX-XXXX)."
        ),
        max_length=40,
        widget=forms.TextInput(attrs={**CODE_WIDGET_ATTRS, "autofocus": True}),
    )

    def clean_code(self):
        code = otp.normalise_code(self.cleaned_data["code"])
        is_totp = len(code) == otp.DIGITS and code.isdigit()
        if not is_totp and not otp.looks_like_recovery_code(code):
            raise forms.ValidationError(
                _("Saisissez les 6 chiffres de l'application, ou un code de secours complet.")
            )
        return code


class PasswordConfirmForm(forms.Form):
    """The account's password, asked again before an irreversible change."""

    password = forms.CharField(
        label=_("Votre mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Le mot de passe est incorrect."))
        return password


class OTPDisableForm(PasswordConfirmForm):
    """Turning the second factor off asks for the password and a current code."""

    code = forms.CharField(
        label=_("Code à 6 chiffres affiché par l'application"),
        max_length=20,
        widget=forms.TextInput(attrs=CODE_WIDGET_ATTRS),
    )


class AccountDeleteForm(PasswordConfirmForm):
    """The confirmation of an account's deletion: the password and an explicit tick."""

    confirm = forms.BooleanField(
        label=_(
            "J'ai lu ce qui sera supprimé et ce qui sera conservé, et je demande la "
            "suppression de mon compte."
        ),
    )
