"""Pages of the follow-up: the holder's in /mon-espace/suivi/, the team's in /instruction/suivi/."""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View
from rules.contrib.views import PermissionRequiredMixin

from catalogue.views.public import bar_chart
from followup import dashboard, news, reports, selectors, services
from followup.enums import ConventionStatus, NewsStatus, ReportStatus
from followup.forms import (
    ConventionAcceptForm,
    ConventionModelForm,
    FollowupFilterForm,
    IndicatorForm,
    NewsForm,
    ReportForm,
    ReportPhotoForm,
    SupportChoiceForm,
    SupportMessageForm,
    SupportRequestForm,
    SupportRequestUpdateForm,
)
from followup.models import Indicator, ProgressReport, ProjectNews, ReportPhoto, SupportRequest
from label.enums import Theme
from label.models import Wave
from label.spreadsheets import spreadsheet_safe


class FollowedApplicationMixin(PermissionRequiredMixin):
    """Pages about one followed application; who may not see it gets a 404, learning nothing."""

    permission_required = "label.access_applicant_area"
    object_permission = "followup.view_followup"

    def get_application(self):
        if not hasattr(self, "_application"):
            application = selectors.followup_application_get(self.kwargs["pk"])
            if application is None or not self.request.user.has_perm(
                self.object_permission, application
            ):
                raise Http404
            self._application = application
        return self._application


class HolderPageMixin(FollowedApplicationMixin):
    """Renders the holder's follow-up page, with any bound form kept for its errors."""

    def render_holder_page(self, status=200, **forms):
        application = self.get_application()
        convention = services.convention_get_or_create(application)
        may_act = self.request.user.has_perm("followup.act_as_holder", application)
        context = {
            "application": application,
            "convention": convention,
            "may_act": may_act,
            "support_requests": selectors.support_request_list_for_application(application),
            "support_form": forms.get("support_form")
            or SupportChoiceForm(initial={"support": convention.support}),
            "accept_form": forms.get("accept_form")
            or ConventionAcceptForm(initial={"name": self.request.user.full_name}),
            "request_form": forms.get("request_form") or SupportRequestForm(),
            "message_form": SupportMessageForm(),
            "bound_message": forms.get("bound_message"),
            "indicators": list(application.indicators.all()),
            "indicator_form": IndicatorForm(prefix="indicator"),
            "news_form": forms.get("news_form") or NewsForm(prefix="news"),
            "news_items": list(application.news.all()),
            **reports.report_status_for_application(application),
        }
        view = TemplateView(request=self.request, template_name="followup/holder_followup.html")
        return view.render_to_response(context, status=status)

    def check_holder(self):
        if not self.request.user.has_perm("followup.act_as_holder", self.get_application()):
            raise PermissionDenied


class HolderFollowupView(HolderPageMixin, View):
    """The holder's follow-up of a labelled project: convention, support requests."""

    def get(self, request, pk):
        return self.render_holder_page()


class ConventionPdfView(FollowedApplicationMixin, View):
    """The convention as a PDF: the frozen one once accepted, else the text as it reads now."""

    def get(self, request, pk):
        application = self.get_application()
        convention = services.convention_get_or_create(application)
        pdf = services.convention_render_pdf(convention)
        response = HttpResponse(pdf, content_type="application/pdf")
        reference = application.reference or application.pk
        response["Content-Disposition"] = f'inline; filename="convention-{reference}.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response


class SupportChoiceView(HolderPageMixin, View):
    """The holder chooses the support written in the convention, before accepting it."""

    def post(self, request, pk):
        self.check_holder()
        form = SupportChoiceForm(request.POST)
        if not form.is_valid():
            return self.render_holder_page(status=400, support_form=form)
        convention = services.convention_get_or_create(self.get_application())
        try:
            services.convention_choose_support(
                convention=convention, support=form.cleaned_data["support"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_holder_page(status=400, support_form=form)
        messages.success(request, _("L'accompagnement choisi est enregistré dans la convention."))
        return redirect("followup:holder", pk=pk)


class ConventionAcceptView(HolderPageMixin, View):
    """The holder accepts the convention online."""

    def post(self, request, pk):
        self.check_holder()
        form = ConventionAcceptForm(request.POST)
        if not form.is_valid():
            return self.render_holder_page(status=400, accept_form=form)
        convention = services.convention_get_or_create(self.get_application())
        try:
            services.convention_accept(
                convention=convention,
                by=request.user,
                name=form.cleaned_data["name"],
                capacity=form.cleaned_data["capacity"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_holder_page(status=400, accept_form=form)
        messages.success(
            request,
            _("Vous avez accepté la convention d'accompagnement. Le PMA va la contresigner."),
        )
        return redirect("followup:holder", pk=pk)


class SupportRequestCreateView(HolderPageMixin, View):
    """The holder asks for support."""

    def post(self, request, pk):
        self.check_holder()
        form = SupportRequestForm(request.POST)
        if not form.is_valid():
            return self.render_holder_page(status=400, request_form=form)
        services.support_request_create(
            application=self.get_application(), by=request.user, **form.cleaned_data
        )
        messages.success(request, _("Votre demande est envoyée à l'équipe du PMA."))
        return redirect("followup:holder", pk=pk)


class SupportMessageView(PermissionRequiredMixin, View):
    """A message in a request's thread, from the holder or from staff."""

    permission_required = "label.access_applicant_area"
    staff = False

    def post(self, request, pk):
        support_request = get_object_or_404(
            SupportRequest.objects.select_related("application"), pk=pk
        )
        application = support_request.application
        permission = "followup.manage_followup" if self.staff else "followup.act_as_holder"
        if not request.user.has_perm(permission, application):
            raise Http404
        form = SupportMessageForm(request.POST)
        target = "followup:staff_detail" if self.staff else "followup:holder"
        if form.is_valid():
            services.support_message_add(
                support_request=support_request, by=request.user, body=form.cleaned_data["body"]
            )
            messages.success(request, _("Votre message est envoyé."))
        else:
            messages.error(
                request, _("Le message est vide ou trop long (5 000 caractères au plus).")
            )
        return redirect(target, pk=application.pk)


# --- The instruction team -----------------------------------------------------------------------


class StaffMixin(PermissionRequiredMixin):
    permission_required = "followup.manage_followup"


class StaffListView(StaffMixin, TemplateView):
    """Every followed project for the instruction team, filtered, with the indicators' charts."""

    template_name = "followup/staff_list.html"

    def filters(self):
        form = FollowupFilterForm(self.request.GET or None)
        return form, (form.cleaned_data if form.is_valid() else {})

    def get_context_data(self, **kwargs):
        form, filters = self.filters()
        rows = dashboard.followup_rows(
            dashboard.followup_list_for_staff(
                wave=filters.get("wave"),
                agglomeration=filters.get("agglomeration"),
                theme=filters.get("theme"),
            )
        )
        theme_labels = dict(Theme.choices)
        charts = [
            {
                "id": f"indicateurs-{code}",
                "chart": bar_chart(
                    [(None, f"{year} — {label}", total) for year, label, total in totals],
                    title=_("Indicateurs — %(theme)s") % {"theme": theme_labels[code]},
                ),
            }
            for code, totals in dashboard.indicator_totals(wave=filters.get("wave")).items()
        ]
        return super().get_context_data(
            rows=rows,
            filter_form=form,
            charts=charts,
            waves=Wave.objects.order_by("-number"),
            query=self.request.GET.urlencode(),
            **kwargs,
        )


class StaffExportView(StaffListView):
    """The list as CSV (UTF-8 with BOM, cells made safe for spreadsheets)."""

    def get(self, request, *args, **kwargs):
        _form, filters = self.filters()
        rows = dashboard.followup_rows(
            dashboard.followup_list_for_staff(
                wave=filters.get("wave"),
                agglomeration=filters.get("agglomeration"),
                theme=filters.get("theme"),
            )
        )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="suivi-projets-labellises.csv"'
        response.write("\ufeff")
        writer = csv.writer(response, delimiter=";")
        writer.writerow(
            [
                _("Référence"),
                _("Projet"),
                _("Porteur"),
                _("Vague"),
                _("État"),
                _("Convention"),
                _("Demandes ouvertes"),
                _("Dernier rapport"),
                _("Prochain rapport attendu le"),
                _("Alertes"),
            ]
        )
        for row in rows:
            application = row["application"]
            writer.writerow(
                spreadsheet_safe(value)
                for value in [
                    application.reference,
                    application.title,
                    application.holder_name,
                    application.wave.number,
                    application.get_state_display(),
                    row["convention"].get_status_display() if row["convention"] else "",
                    row["open_requests"],
                    row["last_report"].year if row["last_report"] else "",
                    row["next_due"].isoformat() if row["next_due"] else "",
                    " ; ".join(str(alert) for alert in row["alerts"]),
                ]
            )
        return response


class StaffDetailView(StaffMixin, FollowedApplicationMixin, TemplateView):
    """One followed project for staff: convention, countersignature, support requests."""

    template_name = "followup/staff_detail.html"
    permission_required = "followup.manage_followup"
    object_permission = "followup.manage_followup"

    def get_context_data(self, **kwargs):
        application = self.get_application()
        support_requests = selectors.support_request_list_for_application(application)
        for support_request in support_requests:
            support_request.update_form = SupportRequestUpdateForm(
                initial={"status": support_request.status, "owner": support_request.owner_id},
                prefix=f"r{support_request.pk}",
            )
        return super().get_context_data(
            application=application,
            convention=services.convention_get_or_create(application),
            support_requests=support_requests,
            message_form=SupportMessageForm(),
            ConventionStatus=ConventionStatus,
            news_items=list(application.news.all()),
            **reports.report_status_for_application(application),
            **kwargs,
        )


class CountersignView(StaffMixin, FollowedApplicationMixin, View):
    """Staff countersign the accepted convention."""

    object_permission = "followup.manage_followup"

    def post(self, request, pk):
        convention = services.convention_get_or_create(self.get_application())
        try:
            services.convention_countersign(convention=convention, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("La convention est contresignée ; le porteur est prévenu."))
        return redirect("followup:staff_detail", pk=pk)


class SupportRequestUpdateView(StaffMixin, View):
    """Staff set a request's status and owner."""

    def post(self, request, pk):
        support_request = get_object_or_404(SupportRequest, pk=pk)
        form = SupportRequestUpdateForm(request.POST, prefix=f"r{support_request.pk}")
        if form.is_valid():
            services.support_request_update(
                support_request=support_request,
                by=request.user,
                status=form.cleaned_data["status"],
                owner=form.cleaned_data["owner"],
            )
            messages.success(request, _("La demande est mise à jour."))
        else:
            messages.error(request, _("La demande n'a pas été modifiée : choix invalide."))
        return redirect("followup:staff_detail", pk=support_request.application_id)


class ConventionModelView(StaffMixin, TemplateView):
    """Staff edit the model text of a wave's conventions."""

    template_name = "followup/convention_model_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.wave = get_object_or_404(Wave, pk=kwargs["wave_pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, form=None, **kwargs):
        model = services.convention_model_get(self.wave)
        return super().get_context_data(
            wave=self.wave, form=form or ConventionModelForm(instance=model), **kwargs
        )

    def post(self, request, *args, **kwargs):
        model = services.convention_model_get(self.wave)
        form = ConventionModelForm(request.POST, instance=model)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        model = form.save(commit=False)
        model.updated_by = request.user
        model.save()
        messages.success(
            request,
            _(
                "Le modèle de convention est enregistré. "
                "Les conventions déjà acceptées ne changent pas."
            ),
        )
        return redirect("followup:convention_model", wave_pk=self.wave.pk)


# --- Yearly progress reports (the holder) -------------------------------------------------------


class IndicatorCreateView(HolderPageMixin, View):
    """The holder adds an indicator with its unit."""

    def post(self, request, pk):
        self.check_holder()
        form = IndicatorForm(request.POST, prefix="indicator")
        if form.is_valid():
            reports.indicator_add(
                application=self.get_application(), by=request.user, **form.cleaned_data
            )
            messages.success(request, _("L'indicateur est ajouté."))
        else:
            messages.error(request, _("Indiquez le nom de l'indicateur et son unité."))
        return redirect("followup:holder", pk=pk)


class ReportView(FollowedApplicationMixin, TemplateView):
    """The report of one year: a draft the holder edits (with autosave) until sent."""

    template_name = "followup/report_form.html"

    def get_report(self):
        application = self.get_application()
        year = self.kwargs["year"]
        if self.request.user.has_perm("followup.act_as_holder", application):
            return reports.report_get_or_create_draft(
                application=application, year=year, by=self.request.user
            )
        report = ProgressReport.objects.filter(application=application, year=year).first()
        if report is None:
            raise Http404
        return report

    def get_context_data(self, form=None, photo_form=None, **kwargs):
        application = self.get_application()
        report = self.get_report()
        indicators = list(Indicator.objects.filter(application=application))
        values = {value.indicator_id: value.value for value in report.values.all()}
        initial = {"achievements": report.achievements, "difficulties": report.difficulties}
        initial.update({f"indicator_{pk}": value for pk, value in values.items()})
        editable = report.status == ReportStatus.DRAFT and self.request.user.has_perm(
            "followup.act_as_holder", application
        )
        return super().get_context_data(
            application=application,
            report=report,
            editable=editable,
            indicators=indicators,
            values=values,
            photos=list(report.photos.all()),
            form=form or ReportForm(initial=initial, indicators=indicators),
            photo_form=photo_form or ReportPhotoForm(),
            due=reports.report_due_date(application, report.year),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        application = self.get_application()
        if not request.user.has_perm("followup.act_as_holder", application):
            raise PermissionDenied
        report = self.get_report()
        indicators = list(Indicator.objects.filter(application=application))
        form = ReportForm(request.POST, indicators=indicators)
        autosave = request.headers.get("X-Autosave") == "1"
        if not form.is_valid():
            if autosave:
                return JsonResponse({"saved": False, "errors": form.errors}, status=400)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            reports.report_save_draft(
                report=report,
                by=request.user,
                achievements=form.cleaned_data["achievements"],
                difficulties=form.cleaned_data["difficulties"],
                values=form.indicator_values(),
            )
            if autosave:
                return JsonResponse({"saved": True})
            if "send" in request.POST:
                reports.report_send(report=report, by=request.user)
                messages.success(request, _("Votre rapport est envoyé à l'équipe du PMA. Merci !"))
                return redirect("followup:holder", pk=application.pk)
        except ValidationError as error:
            if autosave:
                return JsonResponse({"saved": False, "errors": error.messages}, status=400)
            form.add_error(None, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(request, _("Le brouillon est enregistré."))
        return redirect("followup:report", pk=application.pk, year=report.year)


class ReportPhotoCreateView(ReportView):
    """The holder adds a photo to a draft report."""

    def post(self, request, *args, **kwargs):
        application = self.get_application()
        if not request.user.has_perm("followup.act_as_holder", application):
            raise PermissionDenied
        report = self.get_report()
        photo_form = ReportPhotoForm(request.POST, request.FILES)
        if photo_form.is_valid():
            try:
                reports.report_photo_add(
                    report=report,
                    by=request.user,
                    upload=photo_form.cleaned_data["image"],
                    alt_text=photo_form.cleaned_data["alt_text"],
                    consent=photo_form.cleaned_data["consent"],
                )
            except ValidationError as error:
                photo_form.add_error("image", error)
        if photo_form.errors:
            return self.render_to_response(self.get_context_data(photo_form=photo_form), status=400)
        messages.success(request, _("La photo est ajoutée au rapport."))
        return redirect("followup:report", pk=application.pk, year=report.year)


class ReportPhotoFileView(PermissionRequiredMixin, View):
    """A report's photo, for its holder and for staff only."""

    permission_required = "label.access_applicant_area"

    def get(self, request, photo_pk):
        photo = (
            ReportPhoto.objects.select_related("report__application").filter(pk=photo_pk).first()
        )
        if photo is None or not request.user.has_perm(
            "followup.view_followup", photo.report.application
        ):
            raise Http404
        response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
        response["Cache-Control"] = "private, max-age=3600"
        return response


# --- News of the project ------------------------------------------------------------------------


class NewsCreateView(HolderPageMixin, View):
    """The holder proposes a news item; it is published after staff approval."""

    def post(self, request, pk):
        self.check_holder()
        form = NewsForm(request.POST, request.FILES, prefix="news")
        if form.is_valid():
            try:
                news.news_propose(
                    application=self.get_application(),
                    by=request.user,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    upload=form.cleaned_data["image"],
                    image_alt=form.cleaned_data["image_alt"],
                )
            except ValidationError as error:
                form.add_error("image", error)
        if form.errors:
            return self.render_holder_page(status=400, news_form=form)
        messages.success(
            request, _("Votre actualité est envoyée : elle sera publiée après validation.")
        )
        return redirect("followup:holder", pk=pk)


class NewsDecideView(StaffMixin, View):
    """Staff approve or reject a proposed news item."""

    def post(self, request, news_pk):
        item = get_object_or_404(ProjectNews, pk=news_pk)
        news.news_decide(
            news=item, by=request.user, approve=request.POST.get("decision") == "approve"
        )
        messages.success(request, _("L'actualité est traitée ; le porteur est prévenu."))
        return redirect("followup:staff_detail", pk=item.application_id)


def news_photo(request, news_pk):
    """The photo of a published news item, public like the project page it appears on."""
    item = (
        ProjectNews.objects.select_related("application")
        .filter(pk=news_pk, status=NewsStatus.APPROVED, application__state="labelled")
        .exclude(image="")
        .first()
    )
    if item is None:
        raise Http404
    response = FileResponse(item.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400"
    return response
