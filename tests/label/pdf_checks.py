"""Checks shared by the tests of every PDF the portal renders (receipt, certificate, minutes,
dossier): no template syntax or English word of a template leaks into the text, and the
document is tagged, with its language and title."""

import io
import re
import shutil
import subprocess

from pypdf import PdfReader

# Pieces of Django template syntax: any of them in a PDF's text is a template defect
# (a multi-line {# #} comment, an unclosed tag), never content.
TEMPLATE_SYNTAX = ("{#", "#}", "{%", "%}", "{{", "}}")
# English words found in the templates' comments and tags; the documents are in French.
TEMPLATE_ENGLISH_WORDS = (
    "Inline",
    "CSS",
    "rendered",
    "WeasyPrint",
    "browser",
    "served",
    "the",
    "this",
    "speed",
    "endcomment",
    "translate",
    "blocktranslate",
    "endblock",
)


def pdf_text(content):
    """The PDF's reader and its whole text, pages joined, whitespace folded to single spaces."""
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return reader, " ".join(text.split())


def assert_no_template_leak(text):
    """Fail if template syntax or an English word of a template shows in a PDF's text."""
    for piece in TEMPLATE_SYNTAX:
        assert piece not in text, f"template syntax {piece!r} in the PDF: {text[:300]!r}"
    for word in TEMPLATE_ENGLISH_WORDS:
        assert not re.search(rf"\b{word}\b", text), f"English word {word!r} in the PDF"


def assert_tagged(content, *, title, language="fr"):
    """Fail unless the PDF is tagged (marked, with a structure tree), in that language and
    with that title shown in the window's title bar."""
    reader = PdfReader(io.BytesIO(content))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) is True
    assert "/StructTreeRoot" in root
    assert str(root["/Lang"]) == language
    assert title in reader.metadata.title
    # poppler's own reading (poppler-utils is a test dependency), the one the issue quotes.
    out = subprocess.run(  # noqa: S603 - a fixed local tool reading the test's own bytes
        [shutil.which("pdfinfo"), "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    assert re.search(r"^Tagged:\s+yes$", out, re.M), out
