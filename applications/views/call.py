"""The call for applications (/candidater/): the open wave, or when the next one comes.

While no wave is open, visitors may leave an expression of interest (an address and a few
lines) that the instruction team uses when the next call opens.
"""

from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

# The call page is the applicant journey's front door: it reads the applications app (drafts,
# expressions of interest), which otherwise depends on label and not the reverse.
from applications.enums import EDITABLE_STATES
from applications.forms_applicant import ExpressionOfInterestForm
from applications.services import expression_of_interest_record
from label.client import client_ip
from label.models import Wave
from label.selectors import wave_get_current

# Expressions of interest one address may leave per hour: enough for a typo or two, not for
# a script filling the table.
INTEREST_RATE_LIMIT = 5
INTEREST_RATE_WINDOW = 60 * 60

# The steps of an application, as the call page tells them (DESIGN.md §2).
CALL_STEPS = (
    gettext_lazy("Créez votre compte sur le portail et confirmez votre adresse e-mail."),
    gettext_lazy(
        "Remplissez le dossier d'intention en ligne, section par section : il est enregistré "
        "au fur et à mesure, vous pouvez y revenir quand vous voulez."
    ),
    gettext_lazy(
        "Joignez le plan de financement et, si vous le souhaitez, une présentation, des photos "
        "ou des lettres de soutien."
    ),
    gettext_lazy(
        "Déposez le dossier avant la clôture de l'appel : vous recevez aussitôt un récépissé."
    ),
    gettext_lazy(
        "L'équipe d'instruction vérifie la recevabilité du dossier et peut vous demander des "
        "compléments."
    ),
    gettext_lazy(
        "Une dizaine de projets sont instruits par le Comité technique des partenaires et le "
        "Cercle de qualité, puis le jury décide. Les résultats sont annoncés ensemble, lors "
        "de la cérémonie du label."
    ),
)

# The four groups of the grid and what each looks at (DESIGN.md §2, "Criteria grid"); the
# criteria of the wave, when it has a grid, are listed under them.
CRITERIA_GROUPS = (
    (
        "A",
        gettext_lazy("Contribution à la transition écologique et sociale"),
        gettext_lazy(
            "Bien-être et cohésion sociale ; usage responsable des ressources ; préservation "
            "des écosystèmes ; résilience ; implication des habitants."
        ),
    ),
    (
        "B",
        gettext_lazy("Faisabilité"),
        gettext_lazy(
            "Technique ; financière (budget, plan de financement) ; partenariats engagés."
        ),
    ),
    (
        "C",
        gettext_lazy("Diffusion"),
        gettext_lazy("Exemplarité et capacité à inspirer ; stratégie de communication."),
    ),
    ("D", gettext_lazy("Innovation"), gettext_lazy("Innovation technologique ou sociale.")),
)


def wave_get_upcoming(now=None):
    """The next wave whose call has not opened yet, or None."""
    now = now or timezone.now()
    return Wave.objects.filter(opens_at__gt=now).order_by("opens_at").first()


def criteria_groups(wave):
    """The groups A–D with their description and, if the wave has a grid, its criteria."""
    criteria = list(wave.criteria.order_by("position", "code")) if wave is not None else []
    return [
        {
            "code": code,
            "label": label,
            "description": description,
            "criteria": [criterion for criterion in criteria if criterion.group == code],
        }
        for code, label, description in CRITERIA_GROUPS
    ]


def call_summary():
    """What the home page and the call page say of the call: the open or the next wave."""
    open_wave = wave_get_current()
    return {
        "open_wave": open_wave,
        "upcoming_wave": None if open_wave else wave_get_upcoming(),
    }


def client_address(request):
    """The address a request comes from, for throttling (label/client.py, behind proxies too)."""
    return client_ip(request) or "unknown"


def interest_rate_exceeded(request):
    """Count one expression of interest for this address; True past the hourly limit."""
    key = f"call:interest:{client_address(request)}"
    cache.add(key, 0, timeout=INTEREST_RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:
        # The counter expired between add and incr: this request starts a new window.
        cache.set(key, 1, timeout=INTEREST_RATE_WINDOW)
        count = 1
    return count > INTEREST_RATE_LIMIT


class CallView(FormView):
    """/candidater/: the current call, who may apply, the criteria, the steps, the button.

    With no wave open: when the next one is expected, and the expression-of-interest form.
    """

    template_name = "applications/call.html"
    form_class = ExpressionOfInterestForm

    def get_context_data(self, **kwargs):
        summary = call_summary()
        open_wave = summary["open_wave"]
        user = self.request.user
        has_open_draft = False
        if open_wave is not None and user.is_authenticated:
            has_open_draft = open_wave.applications.filter(
                owner=user, state__in=EDITABLE_STATES
            ).exists()
        return super().get_context_data(
            **summary,
            call=summary,
            groups=criteria_groups(open_wave),
            steps=CALL_STEPS,
            has_open_draft=has_open_draft,
            **kwargs,
        )

    def form_valid(self, form):
        if interest_rate_exceeded(self.request):
            form.add_error(
                None,
                _(
                    "Trop de demandes ont été envoyées depuis votre connexion. Réessayez dans "
                    "une heure."
                ),
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        # A filled honeypot is a robot: it is thanked like anyone, and nothing is kept.
        if not form.cleaned_data.get("website"):
            expression_of_interest_record(
                email=form.cleaned_data["email"], message=form.cleaned_data["message"]
            )
        messages.success(
            self.request,
            _("Merci ! Nous vous écrirons à l'ouverture du prochain appel à candidatures."),
        )
        return redirect("applications:call")
