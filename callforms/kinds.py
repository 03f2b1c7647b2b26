"""What each kind of question does with an answer: its form field, validation, emptiness,
French display, export columns and anonymised value.

One class per kind, registered in KINDS. A kind is stateless: every method receives the
question (a `QuestionSpec`) whose options it reads. Answers are stored as JSON
(Application.answers): text -> str, number -> int or float, amount -> "48500.00", date ->
"YYYY-MM-DD", yes/no -> bool, choice -> value, multichoice -> [values], communes -> [INSEE
codes], table -> [{column: value}]. Files are not stored as answers (Attachment.kind is the
question's key): the files kind only describes the limits.
"""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from callforms.enums import QuestionKind, TableColumnKind
from label.text import french_sort_key
from label.validators import validate_siret

# Limits used when a question's options do not say otherwise.
SHORT_TEXT_MAX_LENGTH = 200
LONG_TEXT_MAX_LENGTH = 10_000
EMAIL_MAX_LENGTH = 254
URL_MAX_LENGTH = 500
PHONE_MAX_LENGTH = 30
SIRET_LENGTH = 14
DEFAULT_ACCEPT = [".pdf", ".png", ".jpg", ".jpeg", ".odt", ".docx", ".ods", ".xlsx"]
DEFAULT_MAX_SIZE_MB = 10
DEFAULT_MAX_FILES = 10
TABLE_EXTRA_ROWS = 3
TABLE_MAX_ROWS = 30
# French typography, as label/templatetags/money.py writes amounts.
THOUSANDS_SEPARATOR = "\u202f"
CURRENCY_SPACE = "\u00a0"
# What retention writes in place of a personal answer.
ANONYMISED_TEXT = "[anonymisé]"

phone_validator = RegexValidator(
    r"^\+?[\d\s.()-]{10,20}$",
    gettext_lazy("Saisissez un numéro de téléphone valide, par exemple 03 21 00 00 00."),
)


def parse_decimal(value):
    """A number typed the French way: « 12 000,50 », « 12000.5 », « 12 000 € » -> Decimal.

    Returns None for an empty value; raises ValueError when it is not a number.
    """
    if value is None:
        return None
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return Decimal(str(value))
    text = re.sub(r"[\s\u00a0\u202f€]", "", str(value))
    if not text:
        return None
    if "," in text and "." in text:
        # Both marks: the last one is the decimal separator, the other groups thousands.
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    else:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not number.is_finite():
        raise ValueError(text)
    return number


def format_number(value, decimals=None):
    """« 12 000,5 » for 12000.5: French separators, a narrow no-break space between groups."""
    number = Decimal(str(value))
    if decimals is not None:
        number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        text = f"{abs(number):.{decimals}f}"
    else:
        text = format(abs(number.normalize()), "f")
    whole, _dot, fraction = text.partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    result = THOUSANDS_SEPARATOR.join(groups) or "0"
    if fraction:
        result = f"{result},{fraction}"
    return f"-{result}" if number < 0 else result


def format_euros(value):
    """« 48 500,00 € » for "48500.00"; "" for no amount."""
    if value in (None, ""):
        return ""
    return f"{format_number(value, 2)}{CURRENCY_SPACE}€"


def format_date(value):
    """« 4 mars 2027 » for "2027-03-04" (in the active language)."""
    day = datetime.date.fromisoformat(value) if isinstance(value, str) else value
    return formats.date_format(day, "j F Y")


def yes_no(value):
    return _("oui") if value else _("non")


class TextField(forms.CharField):
    """Text whose line breaks count one character each, as the browser's counter counts them."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


class DecimalTextField(forms.CharField):
    """A number typed the French way, checked against the question's bounds."""

    def __init__(self, *, min_value=None, max_value=None, decimal_places=None, **kwargs):
        self.min_value = min_value
        self.max_value = max_value
        self.decimal_places = decimal_places
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            number = parse_decimal(text)
        except ValueError as exc:
            raise ValidationError(
                _("Saisissez un nombre, par exemple 12 000,50."), code="invalid"
            ) from exc
        if self.decimal_places is not None and number != number.quantize(
            Decimal(1).scaleb(-self.decimal_places)
        ):
            raise ValidationError(
                _("Saisissez au plus %(places)s chiffres après la virgule."),
                code="decimal_places",
                params={"places": self.decimal_places},
            )
        if abs(number) >= Decimal("1e12"):
            raise ValidationError(_("Ce nombre est trop grand."), code="max_value")
        return number

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if self.min_value is not None and value < Decimal(str(self.min_value)):
            raise ValidationError(
                _("Saisissez un nombre supérieur ou égal à %(min)s."),
                code="min_value",
                params={"min": format_number(self.min_value)},
            )
        if self.max_value is not None and value > Decimal(str(self.max_value)):
            raise ValidationError(
                _("Saisissez un nombre inférieur ou égal à %(max)s."),
                code="max_value",
                params={"max": format_number(self.max_value)},
            )

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        return attrs


class TableWidget(forms.Widget):
    """Rows of inputs, one per column: `<name>-<row>-<column>`, plus `<name>-rows`."""

    template_name = "callforms/widgets/table.html"

    def __init__(self, columns, attrs=None):
        super().__init__(attrs)
        self.columns = columns

    def value_from_datadict(self, data, files, name):
        try:
            count = min(int(data.get(f"{name}-rows", 0)), TABLE_MAX_ROWS + TABLE_EXTRA_ROWS)
        except (TypeError, ValueError):
            count = 0
        rows = []
        for index in range(count):
            row = {}
            for column in self.columns:
                field = f"{name}-{index}-{column['key']}"
                if column.get("kind") == TableColumnKind.YESNO:
                    row[column["key"]] = field in data and data.get(field) not in ("", "0", "off")
                else:
                    row[column["key"]] = data.get(field, "")
            rows.append(row)
        return rows

    def value_omitted_from_data(self, data, files, name):
        return f"{name}-rows" not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        rows = list(value or []) if isinstance(value, (list, tuple)) else []
        rows = rows + [{} for _index in range(TABLE_EXTRA_ROWS)]
        context["widget"].update(
            {
                "columns": self.columns,
                "rows": [
                    {
                        "index": index,
                        "cells": [
                            {
                                "column": column,
                                "name": f"{name}-{index}-{column['key']}",
                                "id": f"{context['widget']['attrs'].get('id', name)}-{index}-"
                                f"{column['key']}",
                                "value": _cell_input_value(column, row.get(column["key"])),
                            }
                            for column in self.columns
                        ],
                    }
                    for index, row in enumerate(rows[: TABLE_MAX_ROWS + TABLE_EXTRA_ROWS])
                ],
                "row_count": min(len(rows), TABLE_MAX_ROWS + TABLE_EXTRA_ROWS),
            }
        )
        return context


def _cell_input_value(column, value):
    if column.get("kind") == TableColumnKind.YESNO:
        return bool(value)
    if value is None:
        return ""
    if column.get("kind") == TableColumnKind.AMOUNT and not isinstance(value, str):
        return format_number(value, 2)
    return str(value)


class TableField(forms.Field):
    """A table answer: the rows typed, each cleaned by its columns; empty rows are dropped."""

    def __init__(self, *, columns, **kwargs):
        self.columns = columns
        kwargs.setdefault("widget", TableWidget(columns))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in (None, ""):
            return []
        if not isinstance(value, (list, tuple)):
            raise ValidationError(_("Le tableau envoyé n'est pas lisible."), code="invalid")
        if len(value) > TABLE_MAX_ROWS + TABLE_EXTRA_ROWS:
            raise ValidationError(
                _("Le tableau compte %(max)s lignes au plus."), params={"max": TABLE_MAX_ROWS}
            )
        rows, errors = [], []
        for number, raw in enumerate(value, start=1):
            if not isinstance(raw, dict):
                raise ValidationError(_("Le tableau envoyé n'est pas lisible."), code="invalid")
            row = self._clean_row(raw, number, errors)
            if row is not None:
                rows.append(row)
        if errors:
            raise ValidationError(errors)
        if len(rows) > TABLE_MAX_ROWS:
            raise ValidationError(
                _("Le tableau compte %(max)s lignes au plus."), params={"max": TABLE_MAX_ROWS}
            )
        return rows

    def _clean_row(self, raw, number, errors):
        filled = [
            column
            for column in self.columns
            if column.get("kind") != TableColumnKind.YESNO
            and str(raw.get(column["key"]) or "").strip()
        ]
        if not filled:
            return None  # a wholly empty line (a yes/no box alone says nothing) is ignored
        row = {}
        for column in self.columns:
            key, kind = column["key"], column.get("kind", TableColumnKind.TEXT)
            value = raw.get(key)
            if kind == TableColumnKind.YESNO:
                row[key] = value in (True, "true", "on", "1", "oui")
                continue
            text = str(value or "").strip()
            if not text:
                errors.append(
                    ValidationError(
                        _("Ligne %(row)s : renseignez « %(column)s »."),
                        params={"row": number, "column": column["label"]},
                    )
                )
                continue
            if kind == TableColumnKind.AMOUNT:
                try:
                    amount = parse_decimal(text)
                except ValueError:
                    amount = None
                if amount is None or amount < 0 or amount >= Decimal("1e12"):
                    errors.append(
                        ValidationError(
                            _("Ligne %(row)s : « %(column)s » doit être un montant positif."),
                            params={"row": number, "column": column["label"]},
                        )
                    )
                    continue
                row[key] = str(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
            else:
                if len(text) > SHORT_TEXT_MAX_LENGTH:
                    errors.append(
                        ValidationError(
                            _("Ligne %(row)s : « %(column)s » compte %(max)s caractères au plus."),
                            params={
                                "row": number,
                                "column": column["label"],
                                "max": SHORT_TEXT_MAX_LENGTH,
                            },
                        )
                    )
                    continue
                row[key] = text
        return row


class Kind:
    """The behaviour of one kind of question. Subclasses override what differs."""

    kind = ""

    def form_field(self, question):
        """The Django form field that asks the question (required is left to completeness)."""
        raise NotImplementedError(f"No form field for a {self.kind} question.")

    def field_kwargs(self, question):
        return {
            "label": question.label,
            "help_text": question.help_text,
            # Drafts may be incomplete: required-ness is checked at submission (FormSpec.missing).
            "required": False,
        }

    def clean(self, question, raw):
        """The JSON value of a typed or stored answer; a French ValidationError if it is bad."""
        return self.to_json(question, self.form_field(question).clean(raw))

    def to_json(self, question, value):
        return value

    def is_empty(self, question, value):
        return value in (None, "", [], {})

    def answer_max_length(self, question):
        """The longest text an answer of this kind may store; None when it is not text."""
        return None

    def display(self, question, value):
        """The answer as French text for pages and PDFs ("" when empty)."""
        return "" if self.is_empty(question, value) else str(value)

    def export_headers(self, question):
        return [question.label]

    def export_values(self, question, value):
        return [self.display(question, value)]

    def anonymised(self, question, value):
        """What retention writes instead of the answer: nothing personal is kept."""
        return None if self.is_empty(question, value) else ANONYMISED_TEXT


class ShortTextKind(Kind):
    kind = QuestionKind.SHORT_TEXT
    default_max_length = SHORT_TEXT_MAX_LENGTH

    def max_length(self, question):
        return int(question.options.get("max_length") or self.default_max_length)

    def answer_max_length(self, question):
        return self.max_length(question)

    def form_field(self, question):
        return TextField(max_length=self.max_length(question), **self.field_kwargs(question))

    def is_empty(self, question, value):
        return not str(value or "").strip()

    def to_json(self, question, value):
        return (value or "").strip()


class LongTextKind(ShortTextKind):
    kind = QuestionKind.LONG_TEXT
    default_max_length = LONG_TEXT_MAX_LENGTH

    def form_field(self, question):
        limit = self.max_length(question)
        field = TextField(
            # No maxlength attribute: the browser would cut a paste short without a word;
            # the counter (static/js/callforms-counter.js) says how much is over instead.
            widget=forms.Textarea(attrs={"rows": 6, "data-maxlength": limit}),
            **self.field_kwargs(question),
        )
        field.validators.append(MaxLengthValidator(limit))
        return field


class NumberKind(Kind):
    kind = QuestionKind.NUMBER

    def form_field(self, question):
        return DecimalTextField(
            min_value=question.options.get("min"),
            max_value=question.options.get("max"),
            **self.field_kwargs(question),
        )

    def to_json(self, question, value):
        if value is None:
            return None
        return int(value) if value == value.to_integral_value() else float(value)

    def display(self, question, value):
        return "" if self.is_empty(question, value) else format_number(value)

    def export_values(self, question, value):
        return [None if self.is_empty(question, value) else value]


class AmountKind(Kind):
    kind = QuestionKind.AMOUNT

    def form_field(self, question):
        return DecimalTextField(
            min_value=question.options.get("min", 0),
            max_value=question.options.get("max"),
            decimal_places=2,
            help_text=question.help_text,
            label=question.label,
            required=False,
        )

    def to_json(self, question, value):
        return None if value is None else str(value.quantize(Decimal("0.01")))

    def display(self, question, value):
        return "" if self.is_empty(question, value) else format_euros(value)

    def export_values(self, question, value):
        return [None if self.is_empty(question, value) else Decimal(str(value))]


class DateKind(Kind):
    kind = QuestionKind.DATE

    def form_field(self, question):
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            input_formats=["%Y-%m-%d", "%d/%m/%Y"],
            error_messages={"invalid": _("Saisissez une date valide, par exemple 04/03/2027.")},
            **self.field_kwargs(question),
        )

    def to_json(self, question, value):
        return value.isoformat() if value else None

    def display(self, question, value):
        return "" if self.is_empty(question, value) else format_date(value)

    def export_values(self, question, value):
        # A date, not its ISO text: the export writes it day/month/year, a date cell in XLSX.
        if self.is_empty(question, value):
            return [None]
        try:
            return [datetime.date.fromisoformat(str(value))]
        except ValueError:
            return [value]


class YesNoKind(Kind):
    kind = QuestionKind.YESNO

    def form_field(self, question):
        return forms.TypedChoiceField(
            choices=[("true", _("Oui")), ("false", _("Non"))],
            coerce=lambda value: value in (True, "true", "True"),
            empty_value=None,
            widget=forms.RadioSelect,
            **self.field_kwargs(question),
        )

    def clean(self, question, raw):
        if raw is True or raw is False:
            return raw
        return super().clean(question, raw)

    def is_empty(self, question, value):
        return value is None or value == ""

    def display(self, question, value):
        return "" if self.is_empty(question, value) else yes_no(value)

    def anonymised(self, question, value):
        return None


class ChoiceKind(Kind):
    kind = QuestionKind.CHOICE

    def choices(self, question):
        return [(str(value), str(label)) for value, label in question.options.get("choices", [])]

    def form_field(self, question):
        choices = self.choices(question)
        widget = forms.RadioSelect if len(choices) <= 6 else forms.Select
        if widget is forms.Select:
            choices = [("", _("— Choisissez —")), *choices]
        return forms.ChoiceField(
            choices=choices,
            widget=widget,
            error_messages={"invalid_choice": _("Choisissez l'une des réponses proposées.")},
            **self.field_kwargs(question),
        )

    def display(self, question, value):
        if self.is_empty(question, value):
            return ""
        return dict(self.choices(question)).get(str(value), str(value))

    def anonymised(self, question, value):
        # A choice among the form's own values says nothing personal.
        return value


class MultiChoiceKind(ChoiceKind):
    kind = QuestionKind.MULTICHOICE

    def form_field(self, question):
        return forms.MultipleChoiceField(
            choices=self.choices(question),
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                "invalid_choice": _("Choisissez parmi les réponses proposées."),
                "invalid_list": _("Choisissez parmi les réponses proposées."),
            },
            **self.field_kwargs(question),
        )

    def clean(self, question, raw):
        return super().clean(question, self.as_list(raw))

    @staticmethod
    def as_list(value):
        """A stored answer as a list: a question changed from a single choice keeps the one
        value its drafts stored (callforms.services.question_update allows that change)."""
        return [value] if isinstance(value, str) and value else value

    def to_json(self, question, value):
        return list(value or [])

    def display(self, question, value):
        if self.is_empty(question, value):
            return ""
        labels = dict(self.choices(question))
        return ", ".join(labels.get(str(item), str(item)) for item in self.as_list(value))


class EmailKind(Kind):
    kind = QuestionKind.EMAIL

    def form_field(self, question):
        return forms.EmailField(
            max_length=EMAIL_MAX_LENGTH,
            error_messages={"invalid": _("Saisissez une adresse e-mail valide.")},
            widget=forms.EmailInput(attrs={"autocomplete": "email"}),
            **self.field_kwargs(question),
        )

    def answer_max_length(self, question):
        return EMAIL_MAX_LENGTH


class UrlKind(Kind):
    kind = QuestionKind.URL

    def form_field(self, question):
        return forms.URLField(
            max_length=URL_MAX_LENGTH,
            assume_scheme="https",
            error_messages={
                "invalid": _("Saisissez une adresse web valide, par exemple https://…")
            },
            **self.field_kwargs(question),
        )

    def answer_max_length(self, question):
        return URL_MAX_LENGTH

    def anonymised(self, question, value):
        return value  # a web address of the project is public matter


class PhoneKind(Kind):
    kind = QuestionKind.PHONE

    def form_field(self, question):
        return forms.CharField(
            max_length=PHONE_MAX_LENGTH,
            validators=[phone_validator],
            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            **self.field_kwargs(question),
        )

    def answer_max_length(self, question):
        return PHONE_MAX_LENGTH


class SiretField(forms.CharField):
    """A SIRET typed with or without spaces, checked (14 digits, Luhn key) without them."""

    def to_python(self, value):
        return re.sub(r"\s", "", super().to_python(value) or "")

    def validate(self, value):
        super().validate(value)
        if value:
            validate_siret(value)


class SiretKind(Kind):
    kind = QuestionKind.SIRET

    def form_field(self, question):
        # Longer than 14: a SIRET may be typed with spaces, removed before the checksum.
        return SiretField(
            max_length=20,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            **self.field_kwargs(question),
        )

    def answer_max_length(self, question):
        return SIRET_LENGTH  # stored without the spaces it may be typed with

    def anonymised(self, question, value):
        return value  # an organisation's SIRET is public (the SIRENE register)


class CommunesKind(Kind):
    kind = QuestionKind.COMMUNES

    def form_field(self, question):
        from label.models import Commune

        return forms.MultipleChoiceField(
            # A callable: the communes are read when the field is used, not at import.
            choices=lambda: sorted(
                Commune.objects.values_list("insee_code", "name"),
                key=lambda item: french_sort_key(item[1]),
            ),
            widget=forms.CheckboxSelectMultiple,
            error_messages={"invalid_choice": _("Choisissez des communes du territoire.")},
            **self.field_kwargs(question),
        )

    def to_json(self, question, value):
        return list(value or [])

    def display(self, question, value):
        from label.models import Commune

        if self.is_empty(question, value):
            return ""
        names = dict(Commune.objects.filter(insee_code__in=value).values_list("insee_code", "name"))
        return ", ".join(names.get(code, code) for code in value)

    def anonymised(self, question, value):
        return value


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One file or several (the question's max_files), each cleaned as a FileField does."""

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return super().clean(data, initial)


class FilesKind(Kind):
    """Files are Attachments of kind = the question's key; no answer is stored in JSON."""

    kind = QuestionKind.FILES

    def accept(self, question):
        return list(question.options.get("accept") or DEFAULT_ACCEPT)

    def max_size_mb(self, question):
        return int(question.options.get("max_size_mb") or DEFAULT_MAX_SIZE_MB)

    def max_files(self, question):
        return int(question.options.get("max_files") or DEFAULT_MAX_FILES)

    def form_field(self, question):
        # Only the preview shows it: the dossier uploads through applications.uploads.
        widget = MultipleFileInput if self.max_files(question) > 1 else forms.ClearableFileInput
        return MultipleFileField(
            widget=widget(attrs={"accept": ",".join(self.accept(question))}),
            **self.field_kwargs(question),
        )

    def clean(self, question, raw):
        raise ValidationError(_("Un fichier se joint à part, il n'est pas une réponse."))

    def is_empty(self, question, value):
        """`value` is the number of files joined (or the files themselves)."""
        if value is None:
            return True
        return (value if isinstance(value, int) else len(value)) == 0

    def display(self, question, value):
        if self.is_empty(question, value):
            return ""
        names = [str(getattr(item, "original_name", item)) for item in value]
        return ", ".join(names)

    def anonymised(self, question, value):
        return None


class TableKind(Kind):
    kind = QuestionKind.TABLE

    def columns(self, question):
        return list(question.options.get("columns") or [])

    def form_field(self, question):
        return TableField(columns=self.columns(question), **self.field_kwargs(question))

    def to_json(self, question, value):
        return list(value or [])

    def _cell(self, column, value):
        kind = column.get("kind", TableColumnKind.TEXT)
        if kind == TableColumnKind.AMOUNT:
            return format_euros(value)
        if kind == TableColumnKind.YESNO:
            return yes_no(value)
        return str(value or "")

    def display(self, question, value):
        if self.is_empty(question, value):
            return ""
        columns = self.columns(question)
        return "\n".join(
            " ; ".join(
                f"{column['label']} : {self._cell(column, row.get(column['key']))}"
                for column in columns
            )
            for row in value
        )

    def total(self, question, value, column_key=None):
        """The sum of the (first) amount column of the rows, as a Decimal."""
        columns = [c for c in self.columns(question) if c.get("kind") == TableColumnKind.AMOUNT]
        if column_key is None and columns:
            column_key = columns[0]["key"]
        if column_key is None:
            return Decimal("0")
        return sum((Decimal(str(row.get(column_key) or 0)) for row in value or []), Decimal("0"))

    def anonymised(self, question, value):
        if self.is_empty(question, value):
            return []
        # The amounts tell the project's budget, not a person: text cells are blanked.
        return [
            {
                column["key"]: (
                    row.get(column["key"])
                    if column.get("kind") != TableColumnKind.TEXT
                    else ANONYMISED_TEXT
                )
                for column in self.columns(question)
            }
            for row in value
        ]


class BuiltinKind(Kind):
    """A field that stays a column of Application: the model and its ModelForm validate it."""

    kind = QuestionKind.BUILTIN

    def clean(self, question, raw):
        return raw

    def is_empty(self, question, value):
        if isinstance(value, (list, tuple, set, dict)):
            return not value
        return value is None or value is False or not str(value).strip()

    def display(self, question, value):
        if self.is_empty(question, value):
            return ""
        if isinstance(value, bool):
            return yes_no(value)
        if isinstance(value, (list, tuple)):
            return ", ".join(str(item) for item in value)
        if isinstance(value, Decimal):
            return format_euros(value)
        if isinstance(value, datetime.datetime):
            return formats.date_format(value, "j F Y")
        return str(value)

    def anonymised(self, question, value):
        raise NotImplementedError("A builtin field is anonymised by the applications app.")


KINDS = {
    kind.kind: kind
    for kind in (
        ShortTextKind(),
        LongTextKind(),
        NumberKind(),
        AmountKind(),
        DateKind(),
        YesNoKind(),
        ChoiceKind(),
        MultiChoiceKind(),
        EmailKind(),
        UrlKind(),
        PhoneKind(),
        SiretKind(),
        CommunesKind(),
        FilesKind(),
        TableKind(),
        BuiltinKind(),
    )
}


def kind_for(kind):
    """The behaviour of a kind of question (KeyError for an unknown kind)."""
    return KINDS[kind]
