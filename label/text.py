"""Text helpers shared by every app."""

import re
import unicodedata

# Ligatures that Unicode decomposition leaves whole.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})
_NOT_A_WORD = re.compile(r"[^\w]+")


def search_normalise(text):
    """The accent-free, case-free form of a text, so « Béthune » and « bethune » compare equal.

    Apostrophes and dashes of every typography become spaces, so « d’Orient » finds
    « orient » and « EL11-0001 » finds « el11 0001 ». Done in Python rather than in SQL
    because SQLite has no unaccent(): the same function fills the stored search columns
    and normalises the query, on every database.
    """
    decomposed = unicodedata.normalize("NFKD", str(text or "").casefold().translate(_LIGATURES))
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(_NOT_A_WORD.sub(" ", stripped).split())


def french_sort_key(text):
    """The key that sorts names in French order: « Béthune » before « Billy-Berclau », « Éleu »
    among the E, « Œuf » with « oe ».

    Accents, case, ligatures and punctuation are ignored first (as a French dictionary does);
    the name itself breaks the ties, so the order is total and stable. Python rather than a
    database collation: SQLite has none for French and PostgreSQL's depends on the server.
    """
    return (search_normalise(text), str(text or ""))
