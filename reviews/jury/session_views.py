"""The jury in session (/jury/seances/<id>/): the leader's board and the members' screens.

The page works without JavaScript (every action is a form that posts and comes back); with
static/js/jury_session.js the screen part refreshes itself from the `ecran/` endpoint every
few seconds, so members' screens follow the leader without a page reload. The fragment is
rendered per user: a member recused from the current file receives only that fact.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from applications.models import Application
from label.pdf import render_pdf
from reviews.jury import session_selectors as selectors
from reviews.jury import sessions
from reviews.jury.composition import jury_composition_defaults
from reviews.jury.session_forms import (
    AdvisoryOpinionForm,
    ItemWriteForm,
    ReopenForm,
    SessionOpenForm,
    VoteForm,
)
from reviews.jury.views import JuryAreaMixin, JuryWaveMixin
from reviews.mixins import error_messages
from reviews.models import AdvisoryPanel, SessionItem


class SessionOpenView(JuryWaveMixin, TemplateView):
    """Staff open a live sitting of the wave's jury: date, place, members, president, quorum."""

    template_name = "reviews/jury_session_open.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("reviews.lead_jury_session"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, form=None, **kwargs):
        # The wave's jury composition is the default: its members convened, its president.
        form = form or SessionOpenForm(initial=jury_composition_defaults(self.wave))
        return super().get_context_data(form=form, **kwargs)

    def post(self, request, *args, **kwargs):
        form = SessionOpenForm(request.POST)
        if form.is_valid():
            try:
                session = sessions.jury_session_open(
                    wave=self.wave, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("La séance est ouverte."))
                return redirect("reviews:jury_session_live", pk=session.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class SessionMixin(JuryAreaMixin):
    """A page of one sitting: staff, or a member convened to it."""

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.session = selectors.jury_session_get(kwargs["pk"])
        if self.session is None:
            raise PermissionDenied
        sessions.require_follow(self.session, request.user)
        self.is_leader = request.user.has_perm("reviews.lead_jury_session")
        return super().dispatch(request, *args, **kwargs)

    def screen_context(self, **kwargs):
        user = self.request.user
        screen = selectors.session_screen(self.session, user)
        context = {
            "session": self.session,
            "screen": screen,
            "is_leader": self.is_leader,
            "vote_form": VoteForm(initial={"choice": screen.own_vote or None}),
        }
        if self.is_leader:
            context.update(
                items=selectors.session_items(self.session),
                reopen_form=ReopenForm(),
                write_form=kwargs.pop("write_form", None)
                or (
                    ItemWriteForm(
                        initial={"motivation": screen.item.motivation, "atouts": screen.item.atouts}
                    )
                    if screen.item
                    else None
                ),
            )
        context.update(kwargs)
        return context


class SessionLiveView(SessionMixin, TemplateView):
    """The sitting: the roll and the quorum, the agenda (leader), the current file, the vote."""

    template_name = "reviews/jury_session_live.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**self.screen_context(), **kwargs)


class SessionScreenView(SessionMixin, View):
    """The screen part of the sitting, for the polling script: {"key": …, "html": …}."""

    def get(self, request, *args, **kwargs):
        context = self.screen_context()
        html = render_to_string("reviews/_jury_session_screen.html", context, request=request)
        response = JsonResponse({"key": context["screen"].state_key, "html": html})
        response["Cache-Control"] = "private, no-store"
        return response


# The French slugs of the actions' URLs, and the action each names.
ACTIONS = {
    "presence": "check_in",
    "vote": "vote",
    "afficher": "go",
    "monter": "up",
    "descendre": "down",
    "ouvrir-le-vote": "open_vote",
    "clore-le-vote": "close_vote",
    "rouvrir-le-vote": "reopen_vote",
    "motivation": "write",
    "clore": "close_session",
}


class SessionActionView(SessionMixin, View):
    """One action on the sitting, posted from the page; back to the page with a message."""

    def item(self):
        return get_object_or_404(SessionItem, pk=self.kwargs["item_pk"], session=self.session)

    def post(self, request, *args, **kwargs):
        action = ACTIONS.get(kwargs["action"])
        user = request.user
        try:
            message = self.perform(action, user)
        except (ValidationError, PermissionDenied) as error:
            for text in error_messages(error):
                messages.error(request, text)
        else:
            if message:
                messages.success(request, message)
        return redirect(reverse("reviews:jury_session_live", kwargs={"pk": self.session.pk}))

    def perform(self, action, user):
        if action == "check_in":
            member = user
            if "member" in self.request.POST and self.is_leader:
                member = get_object_or_404(
                    self.session.members_convened, pk=self.request.POST["member"]
                )
            sessions.session_check_in(session=self.session, member=member, by=user)
            return _("Présence enregistrée : %(name)s.") % {
                "name": member.full_name or member.email
            }
        if action == "vote":
            form = VoteForm(self.request.POST)
            if not form.is_valid():
                raise ValidationError(_("Choisissez une catégorie ou l'abstention."))
            sessions.session_vote_cast(
                item=self.item(), member=user, choice=form.cleaned_data["choice"]
            )
            return _("Votre vote est enregistré.")
        if action == "go":
            sessions.session_go_to(session=self.session, item=self.item(), by=user)
            return ""
        if action in ("up", "down"):
            sessions.session_agenda_move(
                item=self.item(), by=user, offset=-1 if action == "up" else 1
            )
            return ""
        if action == "open_vote":
            sessions.session_vote_open(item=self.item(), by=user)
            return _("Le vote est ouvert.")
        if action == "close_vote":
            item = sessions.session_vote_close(item=self.item(), by=user)
            if item.outcome:
                return _("Vote clos : %(outcome)s.") % {"outcome": item.get_outcome_display()}
            return _("Vote clos : aucune majorité.")
        if action == "reopen_vote":
            form = ReopenForm(self.request.POST)
            reason = form.data.get("reason", "")
            sessions.session_vote_reopen(item=self.item(), by=user, reason=reason)
            return _("Le vote est rouvert.")
        if action == "write":
            form = ItemWriteForm(self.request.POST)
            if not form.is_valid():
                raise ValidationError(_("La motivation de la décision est obligatoire."))
            sessions.session_item_write(item=self.item(), by=user, **form.cleaned_data)
            return _("Motivation et atouts enregistrés.")
        if action == "close_session":
            sessions.jury_session_close(session=self.session, by=user)
            return _(
                "La séance est close ; ses décisions sont enregistrées et restent confidentielles "
                "jusqu'à l'annonce."
            )
        raise PermissionDenied


class SessionMinutesView(SessionMixin, View):
    """The procès-verbal of the sitting as a PDF, as the reader may read it."""

    def get(self, request, *args, **kwargs):
        minutes = selectors.session_minutes(self.session, reader=request.user)
        title = _("Procès-verbal de séance du jury — %(wave)s") % {"wave": self.session.wave}
        pdf = render_pdf(
            template_name="reviews/jury_session_minutes_pdf.html",
            context={"minutes": minutes},
            title=title,
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="proces-verbal-seance-{self.session.pk}.pdf"'
        )
        response["Cache-Control"] = "private, no-store"
        return response


class AdvisoryPanelView(LoginRequiredMixin, TemplateView):
    """A panel member (« Jury jeunes ») reads the shortlisted files and gives an opinion on each."""

    template_name = "reviews/jury_session_advisory.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.panel = get_object_or_404(
            AdvisoryPanel.objects.select_related("wave"), pk=kwargs["panel_pk"]
        )
        if not self.panel.members.filter(pk=request.user.pk).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        rows = [
            (
                application,
                opinion,
                AdvisoryOpinionForm(
                    prefix=f"a{application.pk}",
                    initial={"opinion": opinion.opinion, "comment": opinion.comment}
                    if opinion
                    else None,
                ),
            )
            for application, opinion in selectors.advisory_files_for_member(
                self.panel, self.request.user
            )
        ]
        return super().get_context_data(panel=self.panel, rows=rows, **kwargs)

    def post(self, request, *args, **kwargs):
        raw = request.POST.get("application", "")
        application = Application.objects.filter(pk=raw).first() if raw.isdigit() else None
        form = AdvisoryOpinionForm(request.POST, prefix=f"a{raw}")
        if application is None:
            messages.error(request, _("Choisissez le dossier sur lequel vous donnez votre avis."))
        elif not form.is_valid():
            messages.error(request, _("Choisissez un avis : favorable, réservé ou défavorable."))
        else:
            try:
                sessions.advisory_opinion_give(
                    panel=self.panel,
                    application=application,
                    member=request.user,
                    **form.cleaned_data,
                )
            except (ValidationError, PermissionDenied) as error:
                for text in error_messages(error):
                    messages.error(request, text)
            else:
                messages.success(
                    request,
                    _("Votre avis sur %(reference)s est enregistré.")
                    % {"reference": application.reference},
                )
        return redirect(reverse("reviews:advisory_panel", kwargs={"panel_pk": self.panel.pk}))
