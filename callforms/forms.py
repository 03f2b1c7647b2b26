"""Forms of the form builder: a section, a question of each kind with its options, a move.

Options are typed by staff in plain text (choices one per line, table columns one per line
with their type) and turned into the question's `options` dict here; the services then check
the whole form. A locked form, or a builtin question, offers only its wording.
"""

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from callforms.enums import CONDITION_KINDS, QuestionKind, TableColumnKind
from callforms.kinds import DEFAULT_ACCEPT, DEFAULT_MAX_FILES, DEFAULT_MAX_SIZE_MB, kind_for
from callforms.services import UP, condition_values

K = QuestionKind
# The size limit of one uploaded document (settings.ATTACHMENT_MAX_SIZE is 10 Mo).
MAX_SIZE_MB_LIMIT = 10
MAX_FILES_LIMIT = 30
# How staff write a column's type after its label: « Montant (€) ; montant ».
COLUMN_KIND_WORDS = {
    "texte": TableColumnKind.TEXT,
    "text": TableColumnKind.TEXT,
    "montant": TableColumnKind.AMOUNT,
    "amount": TableColumnKind.AMOUNT,
    "oui/non": TableColumnKind.YESNO,
    "oui / non": TableColumnKind.YESNO,
    "ouinon": TableColumnKind.YESNO,
    "yesno": TableColumnKind.YESNO,
}
COLUMN_KIND_NAMES = {
    TableColumnKind.TEXT: "texte",
    TableColumnKind.AMOUNT: "montant",
    TableColumnKind.YESNO: "oui/non",
}


class VersionForm(forms.Form):
    """The version of the form the page showed (optimistic concurrency)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class MoveForm(VersionForm):
    direction = forms.ChoiceField(choices=[(UP, UP), ("down", "down")])


class SectionForm(VersionForm):
    title = forms.CharField(label=gettext_lazy("Titre de la section"), max_length=200)
    introduction = forms.CharField(
        label=gettext_lazy("Introduction (facultatif)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Quelques phrases montrées au candidat en haut de la section."),
    )


class KindChoiceForm(forms.Form):
    """The type of the question to add, or to give a question (the next page asks its
    options); `kinds` narrows the list to the kinds a question may take."""

    type = forms.ChoiceField(
        label=gettext_lazy("Type de la question"),
        choices=[(kind.value, kind.label) for kind in QuestionKind if kind != K.BUILTIN],
    )

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["type"].label = _("Nouveau type")
            self.fields["type"].choices = [(kind, QuestionKind(kind).label) for kind in kinds]


def _unique_slug(text, taken, fallback):
    base = slugify(text).replace("-", "_")[:40] or fallback
    value, number = base, 2
    while value in taken:
        value = f"{base}_{number}"
        number += 1
    taken.add(value)
    return value


class QuestionForm(VersionForm):
    """A question of one kind. `wording_only`: a locked form or a builtin question."""

    label = forms.CharField(label=gettext_lazy("Libellé de la question"), max_length=300)
    help_text = forms.CharField(
        label=gettext_lazy("Texte d'aide (facultatif)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    required = forms.BooleanField(
        label=gettext_lazy("Réponse obligatoire pour déposer le dossier"), required=False
    )
    max_length = forms.IntegerField(
        label=gettext_lazy("Nombre de caractères au plus"),
        min_value=1,
        max_value=50_000,
        required=False,
        help_text=gettext_lazy("Le candidat voit un compteur pendant qu'il écrit."),
    )
    min = forms.DecimalField(
        label=gettext_lazy("Valeur minimale (facultatif)"), required=False, localize=True
    )
    max = forms.DecimalField(
        label=gettext_lazy("Valeur maximale (facultatif)"), required=False, localize=True
    )
    choices = forms.CharField(
        label=gettext_lazy("Réponses possibles"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Une réponse par ligne, au moins deux."),
    )
    accept = forms.CharField(
        label=gettext_lazy("Types de fichiers acceptés"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Extensions séparées par des virgules, parmi : %(types)s."),
    )
    max_size_mb = forms.IntegerField(
        label=gettext_lazy("Taille maximale d'un fichier (Mo)"),
        min_value=1,
        max_value=MAX_SIZE_MB_LIMIT,
        required=False,
    )
    max_files = forms.IntegerField(
        label=gettext_lazy("Nombre de fichiers au plus"),
        min_value=1,
        max_value=MAX_FILES_LIMIT,
        required=False,
    )
    columns = forms.CharField(
        label=gettext_lazy("Colonnes du tableau"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Une colonne par ligne : son titre, un point-virgule, puis son type (texte, "
            "montant ou oui/non). Par exemple « Montant (€) ; montant »."
        ),
    )
    total_equals_cost = forms.BooleanField(
        label=gettext_lazy(
            "Le total de la colonne des montants doit être égal au coût total du projet"
        ),
        required=False,
    )
    condition = forms.ChoiceField(
        label=gettext_lazy("Poser cette question seulement si…"),
        required=False,
        help_text=gettext_lazy(
            "Une condition porte sur une question oui / non ou à choix placée avant celle-ci, "
            "elle-même sans condition."
        ),
    )
    visible_to_reviewers = forms.BooleanField(label=gettext_lazy("Évaluateurs"), required=False)
    visible_to_jury = forms.BooleanField(label=gettext_lazy("Jury"), required=False)
    visible_public = forms.BooleanField(
        label=gettext_lazy("Public, sur la page du projet labellisé"), required=False
    )
    criteria_codes = forms.MultipleChoiceField(
        label=gettext_lazy("Critères de la grille éclairés par cette réponse"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("L'évaluateur voit la réponse à côté de ces critères."),
    )

    # Fields each kind shows, beyond the common ones.
    KIND_FIELDS = {
        K.SHORT_TEXT: ("max_length",),
        K.LONG_TEXT: ("max_length",),
        K.NUMBER: ("min", "max"),
        K.AMOUNT: ("min", "max"),
        K.CHOICE: ("choices",),
        K.MULTICHOICE: ("choices",),
        K.FILES: ("accept", "max_size_mb", "max_files"),
        K.TABLE: ("columns", "total_equals_cost"),
    }
    OPTION_FIELDS = frozenset(name for names in KIND_FIELDS.values() for name in names)
    COMMON_FIELDS = (
        "required",
        "condition",
        "visible_to_reviewers",
        "visible_to_jury",
        "visible_public",
        "criteria_codes",
    )

    def __init__(
        self,
        *args,
        kind,
        instance=None,
        wording_only=False,
        conditions=(),
        criteria=(),
        **kwargs,
    ):
        self.kind = kind
        self.instance = instance
        self.wording_only = wording_only
        if instance is not None:
            kwargs.setdefault("initial", {}).update(self.initial_from(instance))
        else:
            kwargs.setdefault("initial", {}).update(
                {"visible_to_reviewers": True, "visible_to_jury": True}
            )
        super().__init__(*args, **kwargs)
        self.fields["accept"].help_text = self.fields["accept"].help_text % {
            "types": ", ".join(DEFAULT_ACCEPT)
        }
        shown = {"version", "label", "help_text"}
        if not wording_only:
            shown |= set(self.COMMON_FIELDS) | set(self.KIND_FIELDS.get(kind, ()))
        for name in list(self.fields):
            if name not in shown:
                del self.fields[name]
        if "condition" in self.fields:
            self.fields["condition"].choices = [
                ("", _("— Toujours poser la question —")),
                *conditions,
            ]
        if "criteria_codes" in self.fields:
            if criteria:
                self.fields["criteria_codes"].choices = [
                    (code, f"{code}. {label}") for code, label in criteria
                ]
            else:
                del self.fields["criteria_codes"]

    @staticmethod
    def initial_from(question):
        options = question.options or {}
        initial = {
            "label": question.label,
            "help_text": question.help_text,
            "required": question.required,
            "visible_to_reviewers": question.visible_to_reviewers,
            "visible_to_jury": question.visible_to_jury,
            "visible_public": question.visible_public,
            "criteria_codes": list(question.criteria_codes or []),
            "condition": (
                f"{question.condition_key}={question.condition_value}"
                if question.condition_key
                else ""
            ),
            "max_length": options.get("max_length"),
            "min": options.get("min"),
            "max": options.get("max"),
            "choices": "\n".join(str(label) for _value, label in options.get("choices") or []),
            "accept": ", ".join(options.get("accept") or []),
            "max_size_mb": options.get("max_size_mb"),
            "max_files": options.get("max_files"),
            "columns": "\n".join(
                f"{column['label']} ; {COLUMN_KIND_NAMES.get(column.get('kind'), 'texte')}"
                for column in options.get("columns") or []
            ),
            "total_equals_cost": bool(options.get("total_equals")),
        }
        return initial

    def _old_options(self):
        return (self.instance.options or {}) if self.instance is not None else {}

    def clean_choices(self):
        text = self.cleaned_data.get("choices") or ""
        labels = [line.strip() for line in text.splitlines() if line.strip()]
        if self.kind in (K.CHOICE, K.MULTICHOICE) and len(labels) < 2:
            raise forms.ValidationError(_("Écrivez au moins deux réponses, une par ligne."))
        if len(set(labels)) != len(labels):
            raise forms.ValidationError(_("Deux réponses ont le même libellé."))
        # A choice keeps its value when its label is kept: answers and conditions name it.
        known = {
            str(label): str(value) for value, label in self._old_options().get("choices") or []
        }
        taken = set(known.values())
        return [
            [known[label] if label in known else _unique_slug(label, taken, "choix"), label]
            for label in labels
        ]

    def clean_accept(self):
        text = self.cleaned_data.get("accept") or ""
        if not text.strip():
            return list(DEFAULT_ACCEPT)
        types = []
        for item in text.replace(";", ",").split(","):
            item = item.strip().lower()
            if not item:
                continue
            item = item if item.startswith(".") else f".{item}"
            if item not in DEFAULT_ACCEPT:
                raise forms.ValidationError(
                    _("« %(type)s » n'est pas un type accepté par le portail (%(types)s).")
                    % {"type": item, "types": ", ".join(DEFAULT_ACCEPT)}
                )
            if item not in types:
                types.append(item)
        return types

    def clean_columns(self):
        text = self.cleaned_data.get("columns") or ""
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if self.kind == K.TABLE and not lines:
            raise forms.ValidationError(_("Écrivez au moins une colonne."))
        known = {
            column["label"]: column["key"] for column in self._old_options().get("columns") or []
        }
        taken = set(known.values())
        columns = []
        for line in lines:
            label, _sep, word = line.rpartition(";") if ";" in line else (line, "", "texte")
            label, word = label.strip(), word.strip().lower()
            kind = COLUMN_KIND_WORDS.get(word)
            if not label or kind is None:
                raise forms.ValidationError(
                    _(
                        "« %(line)s » : écrivez le titre de la colonne, un point-virgule, puis "
                        "texte, montant ou oui/non."
                    )
                    % {"line": line}
                )
            key = known[label] if label in known else _unique_slug(label, taken, "colonne")
            columns.append({"key": key, "label": label, "kind": str(kind)})
        return columns

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min"), cleaned.get("max")
        if low is not None and high is not None and low > high:
            self.add_error("max", _("La valeur maximale doit être supérieure à la minimale."))
        if cleaned.get("total_equals_cost") and not any(
            column["kind"] == TableColumnKind.AMOUNT for column in cleaned.get("columns") or []
        ):
            self.add_error(
                "total_equals_cost", _("Ajoutez une colonne de type « montant » pour ce contrôle.")
            )
        return cleaned

    def question_values(self):
        """The values to hand to question_create / question_update."""
        cleaned = self.cleaned_data
        values = {"label": cleaned["label"].strip(), "help_text": cleaned.get("help_text", "")}
        if self.wording_only:
            return values
        key, _sep, value = (cleaned.get("condition") or "").partition("=")
        values.update(
            {
                "required": cleaned.get("required", False),
                "condition_key": key,
                "condition_value": value,
                "visible_to_reviewers": cleaned.get("visible_to_reviewers", False),
                "visible_to_jury": cleaned.get("visible_to_jury", False),
                "visible_public": cleaned.get("visible_public", False),
                "criteria_codes": self._criteria_codes(),
                "options": self.options(),
            }
        )
        if self.instance is not None:
            # The form's kind: the question's own, or the one it is being changed to.
            values["kind"] = self.kind
        return values

    def _criteria_codes(self):
        if "criteria_codes" in self.fields:
            return list(self.cleaned_data.get("criteria_codes") or [])
        # No grid to choose from (no provider): the saved ties stay as they are.
        return list(self.instance.criteria_codes or []) if self.instance is not None else []

    def options(self):
        """The question's options dict, from the fields of its kind."""
        cleaned = self.cleaned_data
        options = {}
        for name in self.KIND_FIELDS.get(self.kind, ()):
            value = cleaned.get(name)
            if name == "total_equals_cost":
                if value:
                    options["total_equals"] = "total_cost"
            elif name in ("min", "max"):
                if value is not None:
                    options[name] = (
                        int(value) if value == value.to_integral_value() else float(value)
                    )
            elif value not in (None, "", []):
                options[name] = value
        if self.kind == K.FILES:
            options.setdefault("max_size_mb", DEFAULT_MAX_SIZE_MB)
            options.setdefault("max_files", DEFAULT_MAX_FILES)
        return options


def condition_choices(questions, current=None):
    """The conditions a question may take: a yes/no or choice question placed before it, itself
    without condition; one choice per possible value, « « Question » est « Oui » »."""
    choices = []
    for question in questions:
        if current is not None and question.pk == current.pk:
            break
        if question.kind not in CONDITION_KINDS or question.condition_key:
            continue
        labels = (
            dict(kind_for(question.kind).choices(question))
            if question.kind != K.YESNO
            else {
                "true": _("Oui"),
                "false": _("Non"),
            }
        )
        for value in condition_values(question):
            choices.append(
                (
                    f"{question.key}={value}",
                    _("« %(question)s » a pour réponse « %(answer)s »")
                    % {"question": question.label, "answer": labels.get(value, value)},
                )
            )
    if current is not None and current.condition_key:
        # Keep the saved condition listed even if it became invalid: the services say why.
        saved = f"{current.condition_key}={current.condition_value}"
        if saved not in dict(choices):
            choices.append((saved, saved))
    return choices
