"""Every kind of question: a valid answer, a refused one with its French message, the display."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from callforms.declaration import QuestionSpec
from callforms.enums import QuestionKind
from callforms.kinds import KINDS, TABLE_MAX_ROWS, parse_decimal

K = QuestionKind
NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.fixture(autouse=True)
def _french():
    with translation.override("fr"):
        yield


def spec(kind, **options):
    return QuestionSpec(
        key="q",
        label="Question",
        help_text="",
        kind=kind,
        required=False,
        options=options,
    )


def refused(question, raw):
    with pytest.raises(ValidationError) as error:
        question.clean(raw)
    return " ".join(error.value.messages)


def test_every_kind_has_a_class():
    assert set(KINDS) == {kind.value for kind in QuestionKind}


def test_short_text():
    question = spec(K.SHORT_TEXT, max_length=10)
    assert question.clean("  Bonjour ") == "Bonjour"
    assert "10 caractères" in refused(question, "x" * 11)
    assert question.display("Bonjour") == "Bonjour"
    assert question.is_empty("  ")
    assert question.anonymised("Bonjour") == "[anonymisé]"


def test_long_text_counts_a_line_break_once_and_keeps_the_limit():
    question = spec(K.LONG_TEXT, max_length=5)
    assert question.clean("ab\r\ncd") == "ab\ncd"
    assert "au plus 5 caractères" in refused(question, "abcdef")
    field = question.form_field()
    assert field.widget.attrs["data-maxlength"] == 5
    assert "maxlength" not in field.widget.attrs


def test_number():
    question = spec(K.NUMBER, min=0, max=100)
    assert question.clean("12") == 12
    assert question.clean("12,5") == 12.5
    assert "Saisissez un nombre" in refused(question, "douze")
    assert "inférieur ou égal à 100" in refused(question, "101")
    assert "supérieur ou égal à 0" in refused(question, "-1")
    assert question.display(12000.5) == f"12{NNBSP}000,5"


def test_amount_is_stored_as_a_string_and_shown_in_euros():
    question = spec(K.AMOUNT)
    assert question.clean("48 500") == "48500.00"
    assert question.clean("12 000,5 €") == "12000.50"
    assert "Saisissez un nombre" in refused(question, "beaucoup")
    assert "supérieur ou égal à 0" in refused(question, "-5")
    assert "2 chiffres après la virgule" in refused(question, "1,234")
    assert question.display("48500.00") == f"48{NNBSP}500,00{NBSP}€"
    assert question.export_values("48500.00") == [Decimal("48500.00")]


def test_date():
    question = spec(K.DATE)
    assert question.clean("2027-03-04") == "2027-03-04"
    assert question.clean("04/03/2027") == "2027-03-04"
    assert "Saisissez une date valide" in refused(question, "31/02/2027")
    assert question.display("2027-03-04") == "4 mars 2027"


def test_yes_no():
    question = spec(K.YESNO)
    assert question.clean("true") is True
    assert question.clean("false") is False
    assert question.clean(True) is True
    assert question.clean("") is None
    assert "Sélectionnez un choix valide" in refused(question, "peut-être")
    assert question.display(True) == "oui"
    assert question.display(False) == "non"
    assert not question.is_empty(False)


def test_choice():
    question = spec(K.CHOICE, choices=[["a", "Association"], ["c", "Collectivité"]])
    assert question.clean("a") == "a"
    assert "Choisissez l'une des réponses proposées" in refused(question, "z")
    assert question.display("c") == "Collectivité"


def test_multichoice():
    question = spec(K.MULTICHOICE, choices=[["a", "Eau"], ["b", "Air"], ["c", "Sol"]])
    assert question.clean(["a", "c"]) == ["a", "c"]
    assert "Choisissez parmi les réponses proposées" in refused(question, ["a", "z"])
    assert question.display(["a", "c"]) == "Eau, Sol"
    assert question.is_empty([])


def test_email():
    question = spec(K.EMAIL)
    assert question.clean("contact@example.org") == "contact@example.org"
    assert "Saisissez une adresse e-mail valide" in refused(question, "contact@")
    assert question.display("contact@example.org") == "contact@example.org"


def test_url():
    question = spec(K.URL)
    assert question.clean("https://euralens.org/") == "https://euralens.org/"
    assert question.clean("euralens.org") == "https://euralens.org"
    assert "Saisissez une adresse web valide" in refused(question, "pas une adresse")
    assert question.display("https://euralens.org/") == "https://euralens.org/"


def test_phone():
    question = spec(K.PHONE)
    assert question.clean("03 21 00 00 00") == "03 21 00 00 00"
    assert "numéro de téléphone valide" in refused(question, "12")
    assert question.display("03 21 00 00 00") == "03 21 00 00 00"


def test_siret_checks_the_luhn_key():
    question = spec(K.SIRET)
    assert question.clean("732 829 320 00074") == "73282932000074"
    assert "clé de contrôle incorrecte" in refused(question, "73282932000075")
    assert "exactement 14 chiffres" in refused(question, "1234")
    assert question.display("73282932000074") == "73282932000074"


@pytest.mark.django_db
def test_communes():
    from label.models import Commune

    first, second = Commune.objects.order_by("name")[:2]
    question = spec(K.COMMUNES)
    assert question.clean([first.insee_code, second.insee_code]) == [
        first.insee_code,
        second.insee_code,
    ]
    assert "Choisissez des communes du territoire" in refused(question, ["99999"])
    assert question.display([first.insee_code]) == first.name
    assert question.anonymised([first.insee_code]) == [first.insee_code]


def test_files_describe_limits_and_count_files():
    question = spec(K.FILES, accept=[".pdf"], max_size_mb=5, max_files=2)
    assert "se joint à part" in refused(question, "x")
    assert question.is_empty(0)
    assert not question.is_empty(1)
    assert question.form_field().widget.attrs["accept"] == ".pdf"
    assert question.display([]) == ""


FINANCING = {
    "columns": [
        {"key": "source", "label": "Financeur ou source", "kind": "text"},
        {"key": "amount", "label": "Montant (€)", "kind": "amount"},
        {"key": "secured", "label": "Acquis", "kind": "yesno"},
    ],
    "total_equals": "total_cost",
}


def test_table_cleans_rows_and_drops_empty_ones():
    question = spec(K.TABLE, **FINANCING)
    rows = question.clean(
        [
            {"source": "Région", "amount": "30 000", "secured": "true"},
            {"source": "", "amount": "", "secured": False},
        ]
    )
    assert rows == [{"source": "Région", "amount": "30000.00", "secured": True}]
    message = refused(question, [{"source": "Région", "amount": "trop"}])
    assert "Ligne 1 : « Montant (€) » doit être un montant positif." in message
    message = refused(question, [{"source": "", "amount": "100"}])
    assert "Ligne 1 : renseignez « Financeur ou source »." in message
    assert "lignes au plus" in refused(question, [{"source": "x", "amount": "1"}] * 40)
    assert question.display(rows) == (
        f"Financeur ou source : Région ; Montant (€) : 30{NNBSP}000,00{NBSP}€ ; Acquis : oui"
    )
    assert question.anonymised(rows) == [
        {"source": "[anonymisé]", "amount": "30000.00", "secured": True}
    ]
    assert TABLE_MAX_ROWS == 30


def test_table_widget_reads_the_posted_rows():
    question = spec(K.TABLE, **FINANCING)
    field = question.form_field()
    data = {"q-rows": "2", "q-0-source": "État", "q-0-amount": "10", "q-0-secured": "true"}
    value = field.widget.value_from_datadict(data, {}, "q")
    assert value[0] == {"source": "État", "amount": "10", "secured": True}
    assert field.clean(value) == [{"source": "État", "amount": "10.00", "secured": True}]


def test_builtin_is_validated_by_the_model_and_displayed_in_french():
    question = QuestionSpec(
        key="total_cost",
        label="Coût total",
        help_text="",
        kind=K.BUILTIN,
        required=True,
        options={},
        builtin_field="total_cost",
    )
    assert question.display(Decimal("1000")) == f"1{NNBSP}000,00{NBSP}€"
    assert question.display(True) == "oui"
    assert question.is_empty(None)
    assert question.is_shown({})


def test_parse_decimal_reads_french_and_english_marks():
    assert parse_decimal("1.234,5") == Decimal("1234.5")
    assert parse_decimal("1,234.5") == Decimal("1234.5")
    assert parse_decimal("") is None
