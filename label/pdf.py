"""PDF rendering shared by the portal (receipts, certificates, jury minutes) with WeasyPrint.

A PDF is rendered from a Django template whose CSS is inline (a ``<style>`` element: the
document is never served to a browser, so the content security policy does not apply).
Resources are read only from the local static files: a template, or a value typed by an
applicant that ends up in one, can never make the server fetch a network URL or read a file
outside the static folders.
"""

import mimetypes
import ssl
import threading
import warnings
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError


def _allowed_roots():
    roots = [Path(settings.STATIC_ROOT)]
    roots.extend(
        Path(entry[1] if isinstance(entry, tuple) else entry) for entry in settings.STATICFILES_DIRS
    )
    return [root.resolve() for root in roots]


class LocalStaticFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves local static files and ``data:`` URLs only.

    ``/static/css/x.css`` (what ``{% static %}`` gives) is looked up like the static files
    app does; a ``file:`` URL must point inside STATIC_ROOT or a STATICFILES_DIRS folder.
    Anything else (http, https, ftp, other files) is refused.
    """

    def __init__(self, **kwargs):
        # This fetcher never opens an HTTPS connection: an empty TLS context spares loading
        # the system's certificate store, which WeasyPrint's default does for every
        # document (about a third of a certificate's rendering time).
        kwargs.setdefault("ssl_context", ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT))
        kwargs.setdefault("allowed_protocols", ("data", "file"))
        super().__init__(**kwargs)

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            # Inline images (e.g. the QR code of a certificate) carry their own bytes.
            return super().fetch(url, headers)
        if scheme != "file":
            raise URLFetchingError(f"Refused to fetch a non-local resource: {url}")
        path = self._local_path(unquote(urlsplit(url).path))
        if path is None:
            raise URLFetchingError(f"Refused to read a file outside the static folders: {url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
        )

    @staticmethod
    def _local_path(raw_path):
        static_prefix = urlsplit(settings.STATIC_URL).path
        if raw_path.startswith(static_prefix):
            relative = raw_path.removeprefix(static_prefix)
            try:
                found = finders.find(relative)
            except SuspiciousFileOperation:
                return None
            candidates = [Path(found)] if found else []
            candidates.append(Path(settings.STATIC_ROOT) / relative)
        else:
            candidates = [Path(raw_path)]
        roots = _allowed_roots()
        for candidate in candidates:
            resolved = candidate.resolve()
            if resolved.is_file() and any(resolved.is_relative_to(root) for root in roots):
                return resolved
        return None


# Every PDF of the portal is tagged (its structure readable by a screen reader): PDF/UA-1
# unless the caller asks for another profile, e.g. the archival and accessible PDF/A-3a.
DEFAULT_PDF_VARIANT = "pdf/ua-1"


def render_pdf(*, template_name, context, title, language="fr", pdf_variant=DEFAULT_PDF_VARIANT):
    """Render a template to tagged PDF bytes, with its title and language in the metadata.

    The template receives ``pdf_title`` and ``pdf_language`` besides ``context``, and is
    rendered in that language. Fonts are the local DejaVu family (embedded, subset, in the
    PDF by WeasyPrint), so the document shows the same everywhere. ``pdf_variant`` names
    WeasyPrint's profile: PDF/UA-1 by default, ``"pdf/a-3a"`` for certificates; the PDF is
    tagged whatever the profile (RGAA asks for accessible documents).
    """
    with translation.override(language):
        html = render_to_string(
            template_name, {**context, "pdf_title": title, "pdf_language": language}
        )
    # WeasyPrint 70 opens its sRGB profile for the PDF/A output intent and never closes it:
    # the ResourceWarning it leaves is theirs, and would fail the test suite (warnings are
    # errors there). The file is released within these calls, so ignoring it here is enough.
    with warnings.catch_warnings():
        if pdf_variant and pdf_variant.startswith("pdf/a"):
            warnings.simplefilter("ignore", ResourceWarning)
        # The base URL only gives relative references a local anchor; the fetcher decides.
        document = HTML(
            string=html,
            base_url=Path(settings.STATIC_ROOT).resolve().as_uri() + "/",
            url_fetcher=LocalStaticFetcher(),
        ).render(font_config=_font_config(), pdf_variant=pdf_variant, pdf_tags=True)
        document.metadata.title = str(title)
        document.metadata.lang = language
        return document.write_pdf(pdf_variant=pdf_variant, pdf_tags=True)


_thread_fonts = threading.local()


def _font_config():
    """The WeasyPrint font configuration of this thread, reused by every document.

    A new one loads the fonts again through fontconfig and Pango at every document (about
    a sixth of a certificate's rendering time). Pango's objects must not be shared between
    threads, hence one per thread. The templates declare no @font-face, so nothing of one
    document stays in it for the next.
    """
    config = getattr(_thread_fonts, "config", None)
    if config is None:
        config = _thread_fonts.config = FontConfiguration()
    return config
