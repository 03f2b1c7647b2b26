"""label/spreadsheets.py: the one rule for cells that would open as formulas."""

import pytest

from label.spreadsheets import spreadsheet_safe


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33 6 00 00 00 00", "'+33 6 00 00 00 00"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Forêt urbaine = nature", "Forêt urbaine = nature"),
        ("", ""),
        (-3, -3),
        (None, None),
    ],
)
def test_spreadsheet_safe_quotes_text_that_opens_a_formula_only(value, expected):
    assert spreadsheet_safe(value) == expected
