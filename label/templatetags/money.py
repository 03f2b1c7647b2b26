"""Amounts in euros written the French way on every page and PDF: « 48 500,00 € »."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()

# French typography: a narrow no-break space between groups of thousands, a no-break space
# before the currency sign, so that an amount never breaks across two lines.
THOUSANDS_SEPARATOR = "\u202f"
CURRENCY_SPACE = "\u00a0"


def format_euros(value, decimals=2):
    """« 48 500,00 € » for 48500 (``decimals`` digits after the comma); "" for no amount."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return ""
    decimals = int(decimals)
    quantum = Decimal(1).scaleb(-decimals)
    amount = amount.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    whole, _dot, fraction = f"{abs(amount):.{decimals}f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = THOUSANDS_SEPARATOR.join(groups)
    if decimals:
        text = f"{text},{fraction}"
    return f"{sign}{text}{CURRENCY_SPACE}€"


@register.filter
def euros(value, decimals=2):
    """Template filter: ``{{ application.total_cost|euros }}`` or ``|euros:0`` for whole euros."""
    return format_euros(value, decimals)
