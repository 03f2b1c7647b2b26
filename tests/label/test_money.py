"""The one way amounts are written: « 48 500,00 € », on pages and PDFs alike."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from label.templatetags.money import format_euros

NNBSP = "\u202f"
NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (Decimal("48500"), 2, f"48{NNBSP}500,00{NBSP}€"),
        (Decimal("1234567.5"), 2, f"1{NNBSP}234{NNBSP}567,50{NBSP}€"),
        (Decimal("999.995"), 2, f"1{NNBSP}000,00{NBSP}€"),
        (Decimal("12"), 2, f"12,00{NBSP}€"),
        (Decimal("48500.49"), 0, f"48{NNBSP}500{NBSP}€"),
        (Decimal("-2500"), 2, f"-2{NNBSP}500,00{NBSP}€"),
        (0, 2, f"0,00{NBSP}€"),
        (None, 2, ""),
    ],
)
def test_format_euros_writes_the_french_way(value, decimals, expected):
    assert format_euros(value, decimals) == expected


def test_euros_filter_in_a_template():
    rendered = Template("{% load money %}{{ cost|euros }} / {{ cost|euros:0 }}").render(
        Context({"cost": Decimal("48500")})
    )

    assert rendered == f"48{NNBSP}500,00{NBSP}€ / 48{NNBSP}500{NBSP}€"
