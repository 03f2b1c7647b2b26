"""Pages of the second factor (/comptes/double-authentification/...).

- ``OTPManageView``: the state of the account's 2FA, with renewal of the recovery codes and
  deactivation (refused to the roles that must keep it);
- ``OTPSetupView``: enrolment: a QR code (inline SVG made by segno) and the secret to type,
  then a first code confirms the device and the ten recovery codes are shown, once;
- ``OTPVerifyView``: the second step of a login, by a code or a recovery code. After
  MAX_FAILURES wrong codes the half-open session is closed: the password is asked again.

The middleware (label/middleware.py) sends a session awaiting its second factor here, and
an account that must use one to the enrolment. The attempts are rate-limited there too.
"""

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from accounts import otp, sealed
from accounts.forms import OTPCodeForm, OTPDisableForm, OTPVerifyForm, PasswordConfirmForm
from accounts.landing import landing_url
from label.audit import audit_record
from label.models import AuditAction

SESSION_FAILURES_KEY = "otp_failures"
# Set when a first passkey made the account's recovery codes: they are shown once, next.
SESSION_SHOW_CODES_KEY = "otp_recovery_codes_to_show"
MAX_FAILURES = 5
CODES_TEMPLATE = "registration/otp_recovery_codes.html"


def safe_next_url(request, default=None):
    """The `next` of the request if it stays on this site, else the default page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    if default:
        return resolve_url(default)
    return landing_url(request.user)


def _no_store(response):
    # Codes and secrets must not stay in a shared cache or the browser's history.
    response["Cache-Control"] = "no-store"
    return response


def _show_recovery_codes(request, codes, *, next_url):
    sealed.seal_codes(request.session, codes)
    response = render(
        request,
        CODES_TEMPLATE,
        {"codes": codes, "next_url": next_url, "required": otp.otp_required_for(request.user)},
    )
    return _no_store(response)


def codes_after_passkey_url(next_url=None):
    """Where a first passkey leads: its recovery codes, then `next_url`."""
    url = reverse("accounts:otp_recovery_codes_new")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class OTPRecoveryCodesNewView(LoginRequiredMixin, View):
    """The recovery codes made when a first passkey turned the second factor on, shown once."""

    def get(self, request):
        codes = None
        if request.session.pop(SESSION_SHOW_CODES_KEY, False):
            codes = sealed.unseal_codes(request.session)
        next_url = safe_next_url(request, "accounts:otp_manage")
        if not codes:
            return redirect(next_url)
        return _show_recovery_codes(request, codes, next_url=next_url)


class OTPManageView(LoginRequiredMixin, TemplateView):
    """The account's second factor: on or off, recovery codes left, renewal, deactivation."""

    template_name = "registration/otp_manage.html"

    def get_context_data(self, renew_form=None, disable_form=None, **kwargs):
        user = self.request.user
        device = otp.device_get_confirmed(user)
        passkeys = list(otp.passkeys_of(user).order_by("created_at"))
        return super().get_context_data(
            device=device,
            passkeys=passkeys,
            passkey_after_url=None if device or passkeys else codes_after_passkey_url(),
            codes_left=otp.recovery_codes_left(user) if device or passkeys else 0,
            required=otp.otp_required_for(user),
            renew_form=renew_form or _renew_form(user),
            disable_form=disable_form or _disable_form(user),
            **kwargs,
        )


class OTPSetupView(LoginRequiredMixin, FormView):
    """Enrolment of an authenticator application, confirmed by its first code."""

    template_name = "registration/otp_setup.html"
    form_class = OTPCodeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and otp.device_get_confirmed(request.user):
            messages.info(request, _("La double authentification est déjà activée."))
            return redirect("accounts:otp_manage")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        device = otp.device_start_enrolment(user=user)
        uri = otp.provisioning_uri(device, account=user.email, issuer=settings.OTP_ISSUER)
        return super().get_context_data(
            qr_svg=otp.qr_code_svg(uri, title=_("QR code à scanner avec l'application")),
            secret=otp.grouped_secret(otp.base32_secret(device)),
            required=otp.otp_required_for(user),
            next_url=safe_next_url(self.request, "accounts:otp_manage"),
            passkey_after_url=codes_after_passkey_url(
                safe_next_url(self.request, "accounts:otp_manage")
            ),
            **kwargs,
        )

    def render_to_response(self, context, **response_kwargs):
        return _no_store(super().render_to_response(context, **response_kwargs))

    def form_valid(self, form):
        request = self.request
        codes = otp.device_confirm(user=request.user, code=form.cleaned_data["code"])
        if codes is None:
            form.add_error(
                "code",
                _(
                    "Ce code ne correspond pas. Vérifiez que l'heure de votre téléphone est "
                    "à jour et saisissez le code affiché maintenant."
                ),
            )
            return self.form_invalid(form)
        django_otp.login(request, otp.device_get_confirmed(request.user))
        otp.session_mark_verified(request.session)
        request.session.cycle_key()
        audit_record(action=AuditAction.OTP_ENABLED, request=request)
        messages.success(request, _("La double authentification est activée."))
        return _show_recovery_codes(
            request, codes, next_url=safe_next_url(request, "accounts:otp_manage")
        )


class OTPVerifyView(FormView):
    """The second step of the login: a code of the application or a recovery code."""

    template_name = "registration/otp_verify.html"
    form_class = OTPVerifyForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(settings.LOGIN_URL)
        if not otp.has_second_factor(request.user):
            # The device was removed meanwhile (by the account or an administrator).
            request.session.pop(otp.SESSION_PENDING_KEY, None)
            if otp.otp_required_for(request.user):
                return redirect("accounts:otp_setup")
            return redirect(safe_next_url(request))
        if not request.session.get(otp.SESSION_PENDING_KEY) and request.session.get(
            otp.SESSION_VERIFIED_KEY
        ):
            return redirect(safe_next_url(request))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            next_url=safe_next_url(self.request),
            has_passkeys=otp.passkeys_of(self.request.user).exists(),
            **kwargs,
        )

    def form_valid(self, form):
        request = self.request
        user = request.user
        code = form.cleaned_data["code"]
        used_recovery = otp.looks_like_recovery_code(code)
        if used_recovery:
            accepted = otp.recovery_code_use(user=user, code=code)
            device = otp.recovery_device_of(user)
        else:
            throttled = otp.device_throttled(user)
            accepted = otp.device_verify(user=user, code=code)
            device = otp.device_get_confirmed(user)
        if not accepted:
            return self._refused(form, throttled=not used_recovery and throttled)
        request.session.pop(SESSION_FAILURES_KEY, None)
        django_otp.login(request, device)
        otp.session_mark_verified(request.session)
        request.session.cycle_key()
        if used_recovery:
            audit_record(action=AuditAction.RECOVERY_CODE_USED, request=request)
            messages.warning(
                request,
                _(
                    "Vous vous êtes connecté avec un code de secours ; il vous en reste "
                    "%(count)d. Pensez à en générer de nouveaux depuis votre profil."
                )
                % {"count": otp.recovery_codes_left(user)},
            )
        else:
            audit_record(action=AuditAction.OTP_VERIFIED, request=request)
        return redirect(safe_next_url(request))

    def _refused(self, form, *, throttled=False):
        request = self.request
        failures = request.session.get(SESSION_FAILURES_KEY, 0) + 1
        audit_record(action=AuditAction.OTP_FAILED, request=request, extra={"failures": failures})
        if failures >= MAX_FAILURES:
            logout(request)
            messages.error(
                request,
                _(
                    "Trop de codes incorrects : par sécurité, la connexion est annulée. "
                    "Reconnectez-vous avec votre mot de passe."
                ),
            )
            return redirect(settings.LOGIN_URL)
        request.session[SESSION_FAILURES_KEY] = failures
        if throttled:
            # django-otp's throttling: after wrong codes, the device waits 1, 2, 4... seconds.
            form.add_error(
                "code",
                _(
                    "Trop d'essais rapprochés : attendez quelques secondes, puis saisissez le "
                    "code affiché maintenant (il reste %(count)d essais)."
                )
                % {"count": MAX_FAILURES - failures},
            )
            return self.form_invalid(form)
        form.add_error(
            "code",
            _(
                "Code incorrect, expiré ou déjà utilisé. Saisissez le code affiché maintenant "
                "par l'application (il reste %(count)d essais)."
            )
            % {"count": MAX_FAILURES - failures},
        )
        return self.form_invalid(form)


def _passkey_only(user):
    """Is a passkey the account's only second factor (no authenticator application)?"""
    return otp.device_get_confirmed(user) is None and otp.passkeys_of(user).exists()


def _disable_form(user, data=None):
    """Turning the factor off asks the password and a current code of the application; with
    only passkeys, the password (the session already passed the passkey)."""
    if _passkey_only(user):
        return PasswordConfirmForm(data, user=user, prefix="disable")
    return OTPDisableForm(data, user=user, prefix="disable")


def _renew_form(user, data=None):
    """The confirmation asked before new recovery codes: a current code of the application or,
    for an account whose only factor is a passkey, its password (the session already passed
    the passkey; the password guards a session left open)."""
    if _passkey_only(user):
        return PasswordConfirmForm(data, user=user, prefix="renew")
    return OTPCodeForm(data, prefix="renew")


class OTPRecoveryCodesView(LoginRequiredMixin, View):
    """New recovery codes (the old ones stop working), after a current code of the device, or
    the password for an account whose only factor is a passkey."""

    http_method_names = ["post"]

    def post(self, request):
        user = request.user
        if otp.device_get_confirmed(user) is None and not otp.passkeys_of(user).exists():
            return redirect("accounts:otp_setup")
        form = _renew_form(user, request.POST)
        confirmed = form.is_valid() and (
            isinstance(form, PasswordConfirmForm)
            or otp.device_verify(user=user, code=form.cleaned_data["code"])
        )
        if confirmed:
            codes = otp.recovery_codes_renew(user=request.user)
            audit_record(action=AuditAction.RECOVERY_CODES_RENEWED, request=request)
            messages.success(request, _("Vos nouveaux codes de secours sont prêts."))
            return _show_recovery_codes(request, codes, next_url=resolve_url("accounts:otp_manage"))
        if form.is_valid():
            form.add_error("code", _("Code incorrect, expiré ou déjà utilisé."))
        view = OTPManageView(request=request, kwargs={}, args=())
        context = view.get_context_data(renew_form=form)
        return render(request, OTPManageView.template_name, context, status=400)


class OTPDisableView(LoginRequiredMixin, View):
    """Turn the second factor off (if the role allows), with the password and a current code,
    or the password alone for an account whose only factor is a passkey."""

    http_method_names = ["post"]

    def post(self, request):
        user = request.user
        if otp.otp_required_for(user):
            raise PermissionDenied
        form = _disable_form(user, request.POST)
        needs_code = isinstance(form, OTPDisableForm)
        confirmed = form.is_valid() and (
            not needs_code or otp.device_verify(user=user, code=form.cleaned_data["code"])
        )
        if confirmed:
            otp.device_remove(user=user)
            audit_record(action=AuditAction.OTP_DISABLED, request=request)
            messages.success(request, _("La double authentification est désactivée."))
            return redirect("accounts:otp_manage")
        if form.is_valid():
            form.add_error("code", _("Code incorrect, expiré ou déjà utilisé."))
        view = OTPManageView(request=request, kwargs={}, args=())
        context = view.get_context_data(disable_form=form)
        return render(request, OTPManageView.template_name, context, status=400)


class OTPRecoveryCodesDownloadView(LoginRequiredMixin, View):
    """The recovery codes just generated, as a text file (one per line), for a few minutes."""

    def get(self, request):
        codes = sealed.unseal_codes(request.session)
        if not codes:
            raise Http404(_("Ces codes ne sont plus disponibles : générez-en de nouveaux."))
        lines = [
            _("Codes de secours du Label Euralens — %(email)s") % {"email": request.user.email},
            _("Chaque code ne sert qu'une fois, à la place du code de l'application."),
            "",
            *codes,
        ]
        response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="codes-secours-label-euralens.txt"'
        return _no_store(response)
