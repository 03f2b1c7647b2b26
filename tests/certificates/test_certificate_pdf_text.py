"""The certificate PDF read back as text: nothing of its template leaks, everything it must
say is there, and it is a tagged PDF/A-3a with language and title."""

from datetime import UTC, datetime

import pytest

from tests.factories.certificates import labelled_application, rendered_certificate
from tests.label.pdf_checks import assert_no_template_leak, assert_tagged, pdf_text

pytestmark = pytest.mark.django_db

CEREMONY = datetime(2026, 11, 12, 18, 0, tzinfo=UTC)


def _content(certificate):
    with certificate.file.open("rb") as handle:
        return handle.read()


def test_certificate_pdf_text_has_no_template_syntax_and_states_everything():
    application = labelled_application(announced_at=CEREMONY, title="Jardins de la fosse 9")
    certificate = rendered_certificate(application)

    _reader, text = pdf_text(_content(certificate))

    assert_no_template_leak(text)
    assert text.startswith("CERTIFICAT DE LABELLISATION")
    assert certificate.number in text
    assert "« Jardins de la fosse 9 »" in text
    assert f"porté par {application.holder_name}" in text
    assert "12 novembre 2026" in text
    assert "Présidence du Pôle Métropolitain de l'Artois" in text
    assert "Président" in text


def test_certificate_pdf_is_tagged_pdf_a_3a_with_language_and_title():
    certificate = rendered_certificate()
    content = _content(certificate)
    reader, _text = pdf_text(content)
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()

    assert_tagged(content, title=certificate.number)
    assert 'pdfaid:part="3"' in xmp
    assert 'pdfaid:conformance="A"' in xmp
