"""Forms of the accounts: sign-up, login, password reset, profile, and the second factor."""

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.validators import MaxLengthValidator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import otp
from label.models import User


class SignUpForm(forms.ModelForm):
    """Sign-up of a new applicant account: a valid e-mail (free or not, never said), a strong
    password."""

    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Au moins 12 caractères, pas uniquement des chiffres, pas trop courant."),
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = User
        fields = ["full_name", "email", "organisation", "phone"]
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True

    def validate_unique(self):
        # An address that already has an account is not an error shown here: the form would
        # tell anyone which addresses have an account. accounts.services.user_sign_up mails
        # the owner instead, and the page says the same thing in every case.
        pass

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("Les deux mots de passe ne sont pas identiques."))
        elif password1:
            candidate = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class LoginForm(AuthenticationForm):
    """Login by e-mail; an unconfirmed account is told to confirm its address."""

    error_messages = {
        "invalid_login": _(
            "Adresse e-mail ou mot de passe incorrect. Attention : le mot de passe distingue "
            "les majuscules des minuscules."
        ),
        "inactive": _(
            "Ce compte n'est pas encore activé : suivez le lien de l'e-mail de confirmation "
            "qui vous a été envoyé."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Adresse e-mail")
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autocomplete": "email", "autofocus": True, "maxlength": 254}
        )
        # AuthenticationForm sets max_length after the field is built, so no validator
        # checks it: an address of 100,000 characters reached authenticate() and axes, whose
        # log column is 255 characters long (a 500 on PostgreSQL).
        self.fields["username"].validators.append(MaxLengthValidator(254))

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            # Django's backends refuse inactive accounts before the form can say why; an
            # applicant who has not confirmed yet is told so, but only when the password is
            # right, so the message reveals nothing to someone guessing addresses.
            user = self._unconfirmed_user()
            if user is not None:
                raise forms.ValidationError(
                    self.error_messages["inactive"], code="inactive"
                ) from None
            raise

    def _unconfirmed_user(self):
        email = (self.cleaned_data.get("username") or "").strip().lower()
        password = self.cleaned_data.get("password")
        user = User.objects.filter(
            email=email, is_active=False, email_confirmed_at__isnull=True
        ).first()
        if user is not None and password and user.check_password(password):
            return user
        return None


class ResendConfirmationForm(forms.Form):
    """The address of an account whose confirmation link was lost or has expired."""

    email = forms.EmailField(
        label=_("Adresse e-mail"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class OutboxPasswordResetForm(PasswordResetForm):
    """Password reset whose mail goes through the outbox like every other mail."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from label.services import outbox_enqueue

        path = reverse(
            "accounts:password_reset_confirm",
            kwargs={"uidb64": context["uid"], "token": context["token"]},
        )
        outbox_enqueue(
            to=to_email,
            template="password_reset",
            context={"user": context["user"], "link": f"{settings.SITE_URL}{path}"},
            recipient=context["user"],
        )


class ProfileForm(forms.ModelForm):
    """What a person may change of their own account."""

    class Meta:
        model = User
        fields = ["full_name", "organisation", "phone"]
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True


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


class PasskeyRenameForm(forms.Form):
    """The name of a passkey, chosen by its owner to tell it from the others."""

    name = forms.CharField(
        label=_("Nom de la clé d'accès"),
        max_length=otp.PASSKEY_NAME_LENGTH,
        help_text=_("Par exemple : « Téléphone personnel » ou « Clé de sécurité bleue »."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class OTPDisableForm(PasswordConfirmForm):
    """Turning the second factor off asks for the password and a current code."""

    code = forms.CharField(
        label=_("Code à 6 chiffres affiché par l'application"),
        max_length=20,
        widget=forms.TextInput(attrs=CODE_WIDGET_ATTRS),
    )
