"""Cells that spreadsheet software must not run: one rule for every export of the portal.

A cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return,
which some spreadsheets skip before reading the formula) is run as a formula when the file
is opened: applicants write the titles and summaries, so a title can be a formula that
fetches a URL or runs a command (CSV or formula injection, OWASP). The staff export
(applications/exports.py) and the public open data (/donnees/projets.csv) both call
``spreadsheet_safe``.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """``value`` as a cell no spreadsheet runs: text that opens a formula gets a leading
    apostrophe, shown by no spreadsheet and read as "this is text"; other values are
    returned unchanged (numbers stay numbers)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
