"""The applicant's view of a form, for the builder's preview and its « Essayer » draft.

Builtin questions stay model fields validated by the applications app; the preview stands in
for them with the kind that matches their field, so that staff see and try the whole form.
Nothing here saves anything.
"""

from dataclasses import replace

from django import forms
from django.utils.translation import gettext as _

from callforms.enums import QuestionKind
from callforms.kinds import TableWidget, kind_for
from label.commune_groups import commune_picker, picker_ids
from label.enums import HolderType, Theme
from label.models import Commune

K = QuestionKind

# The kind (and options) that stands for each builtin field in the preview.
BUILTIN_STAND_INS = {
    "holder_type": (K.CHOICE, {"choices": [[value, label] for value, label in HolderType.choices]}),
    "themes": (K.MULTICHOICE, {"choices": [[value, label] for value, label in Theme.choices]}),
    "communes": (K.COMMUNES, {}),
    "total_cost": (K.AMOUNT, {}),
    "contact_email": (K.EMAIL, {}),
    "contact_phone": (K.PHONE, {}),
    "siret": (K.SIRET, {}),
    "summary": (K.LONG_TEXT, {"max_length": 500}),
    "postcode": (K.SHORT_TEXT, {"max_length": 5}),
    "address": (K.SHORT_TEXT, {"max_length": 300}),
}
CONSENT = "consent"
COMMUNES = "communes"
TERRITORY_WIDE = "territory_wide"
# Widgets drawn as a group of inputs: a fieldset with a legend, not a label.
MANY_CHOICES = 8
GROUP_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple, TableWidget)


def stand_in(question):
    """The question as the preview asks it (a builtin one through its stand-in kind)."""
    if not question.is_builtin:
        return question
    kind, options = BUILTIN_STAND_INS.get(question.builtin_field, (K.SHORT_TEXT, {}))
    return replace(question, kind=kind, options={**options, **question.options})


class CommunePickerInput(forms.CheckboxSelectMultiple):
    """The boxes the dossier's commune picker draws itself: the error summary's link goes to
    the picker's fieldset (its id from label.commune_groups.picker_ids)."""

    def __init__(self, fieldset_id, attrs=None):
        super().__init__(attrs)
        self.fieldset_id = fieldset_id

    def id_for_label(self, id_, index=None):
        return self.fieldset_id


def is_builtin_communes(question):
    """Is this the portal's own communes question? (its picker has « tout le territoire »)"""
    # The picker's partial names its fields `communes` and `territory_wide`.
    return question.is_builtin and question.builtin_field == COMMUNES and question.key == COMMUNES


def is_commune_picker(question):
    """Does the dossier ask this question with the commune picker? (the portal's communes,
    and every communes question staff added)"""
    return is_builtin_communes(question) or question.kind == K.COMMUNES


def preview_field(question):
    """The form field that asks the question in the preview, with Bootstrap's classes."""
    if is_builtin_communes(question):
        # As the dossier's form: the picker's boxes carry the communes' ids.
        return forms.ModelMultipleChoiceField(
            queryset=Commune.objects.all(),
            label=question.label,
            help_text=question.help_text,
            required=False,
            widget=CommunePickerInput(picker_ids(question.key)["fieldset"]),
            error_messages={"invalid_choice": _("Choisissez des communes du territoire.")},
        )
    if question.kind == K.COMMUNES:
        # The kind's own field, whose boxes carry INSEE codes, drawn by the picker.
        field = question.form_field()
        field.widget = CommunePickerInput(picker_ids(question.key)["fieldset"])
        return field
    if question.is_builtin and question.builtin_field == CONSENT:
        field = forms.BooleanField(
            label=question.label, help_text=question.help_text, required=False
        )
        field.widget.attrs["class"] = "form-check-input"
        return field
    field = stand_in(question).form_field()
    widget = field.widget
    if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
        widget.attrs["class"] = "form-check-input"
    elif isinstance(widget, forms.Select):
        widget.attrs.setdefault("class", "form-select")
    elif isinstance(widget, forms.widgets.Input | forms.Textarea):
        widget.attrs.setdefault("class", "form-control")
    return field


def condition_text(spec, question):
    """« Question posée seulement si « Employeur ? » a pour réponse « Oui ». » ("" if none)."""
    if not question.condition_key:
        return ""
    return condition_sentence(spec.question(question.condition_key), question)


def condition_sentence(target, question):
    """The condition of `question` on `target` (a spec or a row) in words ("" without target)."""
    if target is None:
        return ""
    if target.kind == K.YESNO:
        answer = _("Oui") if question.condition_value == "true" else _("Non")
    else:
        answer = dict(kind_for(target.kind).choices(target)).get(
            question.condition_value, question.condition_value
        )
    return _("Question posée seulement si « %(question)s » a pour réponse « %(answer)s ».") % {
        "question": target.label,
        "answer": answer,
    }


class PreviewForm(forms.Form):
    """The whole form as one page; validation is done question by question (see `try_answers`)."""

    def __init__(self, *args, spec, **kwargs):
        super().__init__(*args, **kwargs)
        self.spec = spec
        self.picker_keys = []
        for question in spec.questions():
            self.fields[question.key] = preview_field(question)
            if is_commune_picker(question):
                self.picker_keys.append(question.key)
            if is_builtin_communes(question):
                # The communes' builtin field comes with « tout le territoire », as in the dossier.
                self.fields[TERRITORY_WIDE] = forms.BooleanField(
                    label=_("Le projet concerne tout le territoire du Pôle métropolitain"),
                    help_text=_("Dans ce cas, ne cochez pas de communes."),
                    required=False,
                    widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
                )

    def describe(self):
        """Tie each input to its help text and its error (aria-describedby), as rendered."""
        for question in self.spec.questions():
            bound = self[question.key]
            ids = []
            if question.help_text:
                ids.append(f"{bound.auto_id}_help")
            if question.key in self.errors:
                ids.append(f"{bound.auto_id}_error")
                bound.field.widget.attrs["aria-invalid"] = "true"
            if ids:
                bound.field.widget.attrs["aria-describedby"] = " ".join(ids)

    def sections(self):
        """[(section, [item])] in form order for the template; an item holds the question,
        its bound field, whether it is a group of inputs (fieldset) and its condition."""
        self.describe()
        pickers = self.pickers()
        return [
            (
                section,
                [
                    {
                        "question": question,
                        "field": self[question.key],
                        "group": isinstance(self[question.key].field.widget, GROUP_WIDGETS),
                        "options": isinstance(
                            self[question.key].field.widget,
                            (forms.RadioSelect, forms.CheckboxSelectMultiple),
                        ),
                        # Long lists (themes) are laid out in columns.
                        "columns": len(list(getattr(self[question.key].field, "choices", ()) or ()))
                        > MANY_CHOICES,
                        "checkbox": question.is_builtin and question.builtin_field == CONSENT,
                        "condition": condition_text(self.spec, question),
                        "picker": pickers.get(question.key),
                    }
                    for question in section.questions
                ],
            )
            for section in self.spec.sections
        ]

    def pickers(self):
        """The commune picker of each communes question, by key, with the communes checked
        in what was tried: the portal's own (commune ids, « tout le territoire ») and those
        staff added (INSEE codes, as their answers store them)."""
        pickers = {}
        for key in self.picker_keys:
            if key == COMMUNES:
                pickers[key] = commune_picker(
                    self[key],
                    communes=self.fields[key].queryset,
                    territory=self[TERRITORY_WIDE],
                )
            else:
                pickers[key] = commune_picker(self[key], attribute="insee_code")
        return pickers

    def commune_groups(self):
        """The groups of each commune picker of the form ([] when it asks no communes)."""
        return [picker["groups"] for picker in self.pickers().values()]

    def try_answers(self, files):
        """Validate like the dossier would, without saving: errors land next to the fields."""
        self.full_clean()
        answers, builtins = {}, {TERRITORY_WIDE: bool(self.cleaned_data.get(TERRITORY_WIDE))}
        for question in self.spec.questions():
            if question.key in self.errors or question.is_file:
                continue
            value = self.cleaned_data.get(question.key)
            if question.is_builtin and question.builtin_field == CONSENT:
                builtins[CONSENT] = bool(value)
                continue
            if is_builtin_communes(question):
                builtins[COMMUNES] = [commune.pk for commune in value or []]
                continue
            value = kind_for(stand_in(question).kind).to_json(stand_in(question), value)
            if question.is_builtin:
                builtins[question.builtin_field] = value
            else:
                answers[question.key] = value
        if builtins[TERRITORY_WIDE] and builtins.get(COMMUNES):
            # The dossier's own check (applications.forms): one or the other.
            message = _(
                "Choisissez des communes ou « tout le territoire », pas les deux : décochez "
                "l'un ou l'autre."
            )
            self.add_error(TERRITORY_WIDE, message)
            self.add_error(COMMUNES, message)
        # A question the applicant would not be asked (its condition is not met) is not checked.
        seen = {**answers}
        for question in self.spec.builtin_questions():
            seen[question.key] = builtins.get(question.builtin_field)
        for question in self.spec.questions():
            if not question.is_shown(seen):
                self.errors.pop(question.key, None)
        counts = {}
        for question in self.spec.file_questions():
            if not question.is_shown(seen):
                continue
            uploads = files.getlist(question.key)
            counts[question.key] = len(uploads)
            problem = self._file_problem(question, uploads)
            if problem:
                self.add_error(question.key, problem)
        for key, message in self.spec.missing(
            answers, attachments_by_key=counts, builtin_values=builtins
        ):
            if key in self.errors:
                continue
            # Next to the field, its label is already there: a short sentence says it all.
            question = self.spec.question(key)
            if question.is_file and not counts.get(key):
                message = _("Joignez ce document : il est obligatoire pour déposer le dossier.")
            elif not question.is_file and question.is_empty(
                builtins.get(question.builtin_field) if question.is_builtin else answers.get(key)
            ):
                message = _(
                    "Répondez à cette question : elle est obligatoire pour déposer le dossier."
                )
            self.add_error(key, message)
        return not self.errors

    @staticmethod
    def _file_problem(question, uploads):
        kind = kind_for(question.kind)
        accept = kind.accept(question)
        limit = kind.max_size_mb(question) * 1024 * 1024
        for upload in uploads:
            name = upload.name.lower()
            if not any(name.endswith(extension) for extension in accept):
                return _("« %(name)s » : formats acceptés %(types)s.") % {
                    "name": upload.name,
                    "types": ", ".join(accept),
                }
            if upload.size > limit:
                return _("« %(name)s » dépasse %(size)s Mo.") % {
                    "name": upload.name,
                    "size": kind.max_size_mb(question),
                }
        return None
