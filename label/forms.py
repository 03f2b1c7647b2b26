"""Forms of the label app: accounts and profile, the call page, waves."""

import datetime

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.validators import MaxLengthValidator
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from label.dates import PARIS
from label.models import User, Wave


class SignUpForm(forms.ModelForm):
    """Sign-up of a new applicant account; the e-mail must be free, the password strong."""

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

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        existing = User.objects.filter(email__iexact=email).first()
        if existing is not None and not existing.is_active and not existing.email_confirmed_at:
            raise forms.ValidationError(
                _(
                    "Un compte en attente de confirmation existe déjà avec cette adresse "
                    "e-mail. Suivez le lien de l'e-mail de confirmation, ou demandez-en un "
                    "nouveau depuis la page de connexion."
                ),
                code="unconfirmed",
            )
        if existing is not None:
            raise forms.ValidationError(
                _(
                    "Un compte existe déjà avec cette adresse e-mail. Connectez-vous ou "
                    "réinitialisez votre mot de passe."
                ),
                code="taken",
            )
        return email

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
            "label:password_reset_confirm",
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


class ParisDateTimeField(forms.DateTimeField):
    """A date-time typed and shown in Paris time, whatever time zone is active.

    The call's dates are Paris wall-clock dates (the deadline is « 31 mai à 23:59 » for
    everyone), so the form neither depends on nor changes the active time zone.
    """

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def prepare_value(self, value):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            return timezone.make_naive(value, PARIS)
        return value

    def to_python(self, value):
        with timezone.override(PARIS):
            return super().to_python(value)


class WaveForm(forms.ModelForm):
    """A wave as the instruction team creates and edits it; dates in Paris time.

    The model's validation refuses a closing before the opening and a call period that
    overlaps another wave's (one call open at a time).
    """

    class Meta:
        model = Wave
        fields = [
            "number",
            "year",
            "title",
            "opens_at",
            "closes_at",
            "instruction_starts_on",
            "instruction_ends_on",
            "ceremony_on",
            "ceremony_place",
            "introduction",
            "eligibility_text",
            "signatory_name",
            "signatory_title",
            "jury_may_record_decisions",
        ]
        field_classes = {"opens_at": ParisDateTimeField, "closes_at": ParisDateTimeField}
        widgets = {
            "instruction_starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "instruction_ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ceremony_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "introduction": forms.Textarea(attrs={"rows": 5}),
            "eligibility_text": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "opens_at": _("Date et heure de Paris à partir desquelles les dossiers sont déposés."),
            "closes_at": _(
                "Date et heure de Paris après lesquelles aucun dossier ne peut être déposé."
            ),
        }
        error_messages = {
            "number": {"unique": _("Une vague porte déjà ce numéro.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # References (EL11-0042) are built on the number: once given, it cannot change.
        if self.instance.pk and self.instance.applications.exclude(reference=None).exists():
            self.fields["number"].disabled = True
            self.fields["number"].help_text = _(
                "Des dossiers ont déjà reçu une référence de cette vague : son numéro est figé."
            )

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("instruction_starts_on"), cleaned.get("instruction_ends_on")
        if starts and ends and ends < starts:
            self.add_error(
                "instruction_ends_on",
                _("La fin de l'instruction doit suivre son début."),
            )
        closes, ceremony = cleaned.get("closes_at"), cleaned.get("ceremony_on")
        if closes and ceremony and ceremony < timezone.localtime(closes, PARIS).date():
            self.add_error(
                "ceremony_on",
                _("La cérémonie doit avoir lieu après la clôture de l'appel."),
            )
        return cleaned
