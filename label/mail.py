"""A console e-mail backend for local use that prints mails as a person reads them.

Django's console backend prints the raw MIME message: a French text is quoted-printable
(« =C3=A9 », lines cut with « = »), so a confirmation link cannot be copied from the
terminal. This one prints the decoded headers and the text part as UTF-8.
"""

from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend


class ConsoleEmailBackend(DjangoConsoleBackend):
    """Print each mail's headers, text part and attachment names, decoded (local use only)."""

    def write_message(self, message):
        lines = [
            f"From: {message.from_email}",
            f"To: {', '.join(message.to)}",
        ]
        if message.cc:
            lines.append(f"Cc: {', '.join(message.cc)}")
        if message.reply_to:
            lines.append(f"Reply-To: {', '.join(message.reply_to)}")
        lines.append(f"Subject: {message.subject}")
        lines.append("")
        lines.append(str(message.body))
        alternatives = [mimetype for _content, mimetype in getattr(message, "alternatives", [])]
        if alternatives:
            lines.append("")
            lines.append(f"[also sent as: {', '.join(alternatives)}]")
        for attachment in message.attachments:
            name = getattr(attachment, "filename", None) or (
                attachment[0] if isinstance(attachment, tuple) else attachment.get_filename()
            )
            lines.append(f"[attachment: {name}]")
        self.stream.write("\n".join(lines) + "\n")
        self.stream.write("-" * 79 + "\n")
