"""Local mail and links: console mails printed decoded; links follow HOST/PORT."""

import io
import os
import subprocess
import sys
from pathlib import Path

from django.core.mail import EmailMultiAlternatives

from config.settings.local import local_site_url
from label.mail import ConsoleEmailBackend


def test_console_backend_prints_the_text_part_decoded_so_the_link_can_be_copied():
    stream = io.StringIO()
    link = "http://127.0.0.1:8100/comptes/confirmer/" + "é" * 3 + "x" * 80 + "/"
    message = EmailMultiAlternatives(
        subject="Confirmez votre adresse — Label Euralens",
        body=f"Bonjour Éloïse,\n\nConfirmez votre adresse : {link}\n",
        from_email="ne-pas-repondre@example.org",
        to=["eloise@example.org"],
    )
    message.attach_alternative("<p>Bonjour Éloïse</p>", "text/html")
    message.attach("recepisse.pdf", b"%PDF-1.4", "application/pdf")

    sent = ConsoleEmailBackend(stream=stream).send_messages([message])

    printed = stream.getvalue()
    assert sent == 1
    assert "Subject: Confirmez votre adresse — Label Euralens" in printed
    assert "To: eloise@example.org" in printed
    assert "Bonjour Éloïse" in printed
    # The link is whole, on one line: neither quoted-printable nor cut at 76 characters.
    assert link in printed.splitlines()[-4] or any(
        line.endswith(link) for line in printed.splitlines()
    )
    assert "=C3=" not in printed
    assert "[attachment: recepisse.pdf]" in printed


def test_local_site_url_follows_host_and_port():
    assert local_site_url("127.0.0.1", "8100") == "http://127.0.0.1:8100"
    assert local_site_url("localhost", "8000") == "http://localhost:8000"
    # A wildcard bind address is not one a browser opens.
    assert local_site_url("0.0.0.0", "8100") == "http://127.0.0.1:8100"  # noqa: S104
    assert local_site_url("::1", "8100") == "http://[::1]:8100"


def test_local_settings_take_the_site_url_from_the_port_make_run_exports():
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SITE_URL", "HOST", "EMAIL_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(PORT="8100", HOST="0.0.0.0", DJANGO_SETTINGS_MODULE="config.settings.local")  # noqa: S104
    code = (
        "from django.conf import settings; "
        "print(settings.SITE_URL, settings.MAILERS['default']['BACKEND'])"
    )

    result = subprocess.run(  # noqa: S603 -- the test's own interpreter and fixed code
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.split() == ["http://127.0.0.1:8100", "label.mail.ConsoleEmailBackend"]
