"""The staff's form builder of a wave (/instruction/vagues/<n>/formulaire/) and its preview.

Only the instruction team reaches these pages (the right of the waves' pages). Every change
goes through callforms.services, which checks the version the page showed, the lock and that
the form can still be completed; the pages say what was refused and keep what was typed.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View
from rules.contrib.views import PermissionRequiredMixin

from callforms import registry, services
from callforms.declaration import form_for
from callforms.enums import EDITABLE_KINDS, QuestionKind
from callforms.forms import (
    KindChoiceForm,
    MoveForm,
    QuestionForm,
    SectionForm,
    VersionForm,
    condition_choices,
)
from callforms.models import Question, Section
from callforms.preview import PreviewForm, condition_sentence
from callforms.selectors import form_rows
from label.models import Wave


def conflict_message():
    return _(
        "Le formulaire a été modifié par une autre personne pendant votre saisie. Votre saisie "
        "est conservée ci-dessous : vérifiez-la, puis enregistrez de nouveau."
    )


def locked_message():
    return _(
        "Le formulaire est verrouillé : un dossier a déjà été déposé. Seuls les libellés, les "
        "textes d'aide, les titres et les introductions des sections peuvent encore changer."
    )


class FormBuilderMixin(PermissionRequiredMixin):
    """The wave of the URL and its form, for the instruction team only."""

    permission_required = "callforms.edit_form"

    def get_permission_object(self):
        # The right is the staff role, not one wave: checked before any lookup.
        return None

    @cached_property
    def wave(self):
        return get_object_or_404(Wave, number=self.kwargs["number"])

    @cached_property
    def call_form(self):
        return services.form_get(self.wave)

    def editor_url(self, anchor=""):
        url = reverse("callforms:form_edit", args=[self.wave.number])
        return f"{url}#{anchor}" if anchor else url

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            wave=self.wave,
            call_form=self.call_form,
            locked=self.call_form.is_locked,
            editor_url=self.editor_url(),
            **kwargs,
        )


class FormEditView(FormBuilderMixin, TemplateView):
    """The sections and questions of the form in order, with their actions."""

    template_name = "callforms/form_edit.html"

    def get_context_data(self, **kwargs):
        sections = form_rows(self.call_form)
        by_key = {question.key: question for section in sections for question in section.rows}
        for section in sections:
            for question in section.rows:
                question.kind_label = QuestionKind(question.kind).label
                if question.condition_key:
                    question.condition_text = condition_sentence(
                        by_key.get(question.condition_key), question
                    ) or _("Condition sur une question qui n'existe plus : « %(key)s ».") % {
                        "key": question.condition_key
                    }
        return super().get_context_data(
            sections=sections,
            kind_form=KindChoiceForm(),
            question_count=sum(len(section.rows) for section in sections),
            **kwargs,
        )


class VersionedFormView(FormBuilderMixin, FormView):
    """A form of the builder posted with the version it showed; a newer one is a conflict."""

    def get_initial(self):
        return {**super().get_initial(), "version": self.call_form.version}

    def conflict(self, form):
        """Show the form again with the user's input and the current version."""
        data = self.request.POST.copy()
        data["version"] = str(self.call_form.version)
        form = self.get_form_class()(data, **self.form_extra_kwargs())
        form.is_valid()
        form.add_error(None, conflict_message())
        return self.render_to_response(self.get_context_data(form=form, conflict=True))

    def form_extra_kwargs(self):
        return {}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), **self.form_extra_kwargs()}

    def run(self, form, action, success_message, anchor=""):
        """Run a service; its refusals come back on the form."""
        try:
            action()
        except services.FormConflict:
            self.call_form.refresh_from_db()
            return self.conflict(form)
        except services.FormLocked:
            form.add_error(None, locked_message())
            return self.form_invalid(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, success_message)
        return redirect(self.editor_url(anchor))


class SectionCreateView(VersionedFormView):
    template_name = "callforms/section_form.html"
    form_class = SectionForm

    def get(self, request, *args, **kwargs):
        if self.call_form.is_locked:
            messages.error(request, locked_message())
            return redirect(self.editor_url())
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        created = {}

        def action():
            created["section"] = services.section_create(
                wave=self.wave,
                version=form.cleaned_data["version"],
                user=self.request.user,
                title=form.cleaned_data["title"],
                introduction=form.cleaned_data["introduction"],
            )

        return self.run(
            form,
            action,
            _("La section « %(title)s » est ajoutée.") % {"title": form.cleaned_data["title"]},
            anchor="formulaire-fin",
        )


class SectionUpdateView(VersionedFormView):
    template_name = "callforms/section_form.html"
    form_class = SectionForm

    @cached_property
    def section(self):
        return get_object_or_404(Section, pk=self.kwargs["pk"], form=self.call_form)

    def get_initial(self):
        return {
            **super().get_initial(),
            "title": self.section.title,
            "introduction": self.section.introduction,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)

    def form_valid(self, form):
        def action():
            services.section_update(
                section=self.section,
                version=form.cleaned_data["version"],
                user=self.request.user,
                title=form.cleaned_data["title"],
                introduction=form.cleaned_data["introduction"],
            )

        return self.run(
            form,
            action,
            _("La section « %(title)s » est enregistrée.") % {"title": form.cleaned_data["title"]},
            anchor=f"section-{self.section.pk}",
        )


class SectionDeleteView(VersionedFormView):
    template_name = "callforms/section_delete.html"
    form_class = VersionForm

    @cached_property
    def section(self):
        return get_object_or_404(Section, pk=self.kwargs["pk"], form=self.call_form)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            section=self.section, question_count=self.section.questions.count(), **kwargs
        )

    def form_valid(self, form):
        title = self.section.title
        return self.run(
            form,
            lambda: services.section_delete(
                section=self.section, version=form.cleaned_data["version"], user=self.request.user
            ),
            _("La section « %(title)s » est supprimée.") % {"title": title},
        )


class MoveView(FormBuilderMixin, View):
    """Move a section or a question one step (a POST of the editor's buttons)."""

    model = None
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = MoveForm(request.POST)
        if not form.is_valid():
            return redirect(self.editor_url())
        item = self.get_item()
        try:
            self.move(item, form.cleaned_data["direction"], form.cleaned_data["version"])
        except services.FormConflict:
            messages.error(
                request,
                _(
                    "Le formulaire a été modifié par une autre personne entre-temps : rien n'a "
                    "été déplacé. Voici le formulaire à jour."
                ),
            )
        except services.FormLocked:
            messages.error(request, locked_message())
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, self.moved_message(item))
        return redirect(self.editor_url(self.anchor(item)))


class SectionMoveView(MoveView):
    def get_item(self):
        return get_object_or_404(Section, pk=self.kwargs["pk"], form=self.call_form)

    def move(self, section, direction, version):
        services.section_move(
            section=section, direction=direction, version=version, user=self.request.user
        )

    def moved_message(self, section):
        return _("La section « %(title)s » est déplacée.") % {"title": section.title}

    def anchor(self, section):
        return f"section-{section.pk}"


class QuestionMoveView(MoveView):
    def get_item(self):
        return get_object_or_404(Question, pk=self.kwargs["pk"], section__form=self.call_form)

    def move(self, question, direction, version):
        services.question_move(
            question=question, direction=direction, version=version, user=self.request.user
        )

    def moved_message(self, question):
        return _("La question « %(label)s » est déplacée.") % {"label": question.label}

    def anchor(self, question):
        return f"question-{question.pk}"


class QuestionFormMixin(VersionedFormView):
    template_name = "callforms/question_form.html"
    form_class = QuestionForm
    question = None

    def ordered_questions(self):
        return services.form_ordered_questions(self.call_form)

    def form_extra_kwargs(self):
        questions = self.ordered_questions()
        return {
            "kind": self.kind,
            "instance": self.question,
            "wording_only": self.wording_only,
            "conditions": condition_choices(questions, current=self.question),
            "criteria": registry.criteria_for(self.wave),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            kind=self.kind,
            kind_label=QuestionKind(self.kind).label,
            question=self.question,
            wording_only=self.wording_only,
            builtin=self.question is not None and self.question.is_builtin,
            **kwargs,
        )


class QuestionCreateView(QuestionFormMixin):
    wording_only = False

    @cached_property
    def section(self):
        key = self.request.GET.get("section") or self.request.POST.get("section")
        return get_object_or_404(Section, pk=key if str(key).isdigit() else 0, form=self.call_form)

    @cached_property
    def kind(self):
        kind = self.request.GET.get("type", "")
        if kind not in EDITABLE_KINDS:
            raise Http404
        return kind

    def ordered_questions(self):
        # A new question goes at the end of its section: conditions name questions before.
        questions = services.form_ordered_questions(self.call_form)
        positions = {section.pk: section.position for section in self.call_form.sections.all()}
        mine = positions[self.section.pk]
        return [q for q in questions if positions[q.section_id] <= mine]

    def get(self, request, *args, **kwargs):
        if self.call_form.is_locked:
            messages.error(request, locked_message())
            return redirect(self.editor_url())
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)

    def form_valid(self, form):
        created = {}

        def action():
            created["question"] = services.question_create(
                section=self.section,
                version=form.cleaned_data["version"],
                user=self.request.user,
                kind=self.kind,
                **form.question_values(),
            )

        response = self.run(
            form,
            action,
            _("La question « %(label)s » est ajoutée.") % {"label": form.cleaned_data["label"]},
        )
        if "question" in created:
            return redirect(self.editor_url(f"question-{created['question'].pk}"))
        return response


class QuestionUpdateView(QuestionFormMixin):
    @cached_property
    def question(self):
        return get_object_or_404(
            Question.objects.select_related("section"),
            pk=self.kwargs["pk"],
            section__form=self.call_form,
        )

    @property
    def kind(self):
        return self.question.kind

    @property
    def wording_only(self):
        return self.call_form.is_locked or self.question.is_builtin

    # The page offers to change the question's kind (not the page that changes it).
    offers_kind_change = True

    def get_context_data(self, **kwargs):
        if self.offers_kind_change and not self.wording_only:
            kinds, answer_count = services.question_kind_choices(self.question)
            kwargs.update(
                kind_change=True,
                kind_change_form=KindChoiceForm(kinds=kinds) if kinds else None,
                answer_count=answer_count,
            )
        return super().get_context_data(**kwargs)

    def success_message(self, form):
        label = form.cleaned_data["label"]
        return _("La question « %(label)s » est enregistrée.") % {"label": label}

    def form_valid(self, form):
        return self.run(
            form,
            lambda: services.question_update(
                question=self.question,
                version=form.cleaned_data["version"],
                user=self.request.user,
                **form.question_values(),
            ),
            self.success_message(form),
            anchor=f"question-{self.question.pk}",
        )


class QuestionKindView(QuestionUpdateView):
    """The question with the options of another kind (`?type=`): saved, its kind changes.

    The services decide what may change (the lock, a builtin question, the drafts' answers,
    a condition on it); a kind refused already on opening sends back to the question's page
    with the reason.
    """

    offers_kind_change = False
    # The kind's options are asked whatever the lock: the services refuse a locked form.
    wording_only = False

    @cached_property
    def kind(self):
        kind = self.request.GET.get("type", "")
        if kind not in EDITABLE_KINDS:
            raise Http404
        return kind

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        update_url = reverse("callforms:question_update", args=[self.wave.number, self.question.pk])
        if self.kind == self.question.kind:
            return redirect(update_url)
        if request.method == "GET":
            refusal = self.refusal()
            if refusal:
                messages.error(request, refusal)
                return redirect(update_url)
        return super().dispatch(request, *args, **kwargs)

    def refusal(self):
        """Why the question may not take this kind (None when it may, options aside)."""
        if self.question.is_builtin:
            return _("Un champ du portail garde son type.")
        if self.call_form.is_locked:
            return locked_message()
        return services.question_kind_problem(self.question, self.kind)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            old_kind_label=QuestionKind(self.question.kind).label,
            answer_count=registry.answer_count(self.wave, self.question.key),
            **kwargs,
        )

    def success_message(self, form):
        return _("La question « %(label)s » est maintenant de type « %(kind)s ».") % {
            "label": form.cleaned_data["label"],
            "kind": QuestionKind(self.kind).label,
        }


class QuestionDeleteView(VersionedFormView):
    """Confirm, saying how many drafts answered the question, then delete it."""

    template_name = "callforms/question_delete.html"
    form_class = VersionForm

    @cached_property
    def question(self):
        return get_object_or_404(
            Question.objects.select_related("section"),
            pk=self.kwargs["pk"],
            section__form=self.call_form,
        )

    def get(self, request, *args, **kwargs):
        if self.question.is_builtin:
            messages.error(request, _("Un champ du portail ne peut pas être supprimé."))
            return redirect(self.editor_url(f"question-{self.question.pk}"))
        if self.call_form.is_locked:
            messages.error(request, locked_message())
            return redirect(self.editor_url(f"question-{self.question.pk}"))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            question=self.question,
            answer_count=registry.answer_count(self.wave, self.question.key),
            **kwargs,
        )

    def form_valid(self, form):
        label = self.question.label
        return self.run(
            form,
            lambda: services.question_delete(
                question=self.question,
                version=form.cleaned_data["version"],
                user=self.request.user,
            ),
            _("La question « %(label)s » est supprimée.") % {"label": label},
        )


class PreviewView(FormBuilderMixin, FormView):
    """The form as the applicant sees it; « Essayer » validates the answers and saves nothing."""

    template_name = "callforms/form_preview.html"
    form_class = PreviewForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "spec": form_for(self.wave)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["commune_groups"] = context["form"].commune_groups()
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        valid = form.try_answers(request.FILES)
        return self.render_to_response(
            self.get_context_data(form=form, tried=True, tried_valid=valid)
        )
