"""The antivirus hook of uploads: ClamAV's clamd, when one is configured.

No scanner is configured by default (``scan_file`` then answers "clean" at once). Set
``CLAMD_SOCKET`` (a Unix socket path, e.g. ``/run/clamav/clamd.ctl``) or ``CLAMD_HOST`` and
``CLAMD_PORT`` (TCP, 3310 by default) to have every upload streamed to clamd before it is
stored. The INSTREAM protocol is spoken directly over the socket: it is a few lines, and it
spares a dependency.

When a scanner is configured but cannot answer, ``ScannerUnavailable`` is raised: the caller
refuses the upload rather than store a file nobody checked (fail closed).
"""

import logging
import socket
import struct
from dataclasses import dataclass

from django.conf import settings

logger = logging.getLogger(__name__)

CHUNK_SIZE = 64 * 1024
# clamd answers one short line; anything longer is not clamd.
MAX_REPLY_LENGTH = 4096


class ScannerUnavailable(Exception):
    """A scanner is configured but did not give a verdict (down, timeout, error reply)."""


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str = ""
    scanned: bool = True


NOT_SCANNED = ScanResult(clean=True, scanned=False)


def scanner_configured():
    """Is a clamd daemon configured (socket path, or host)?"""
    return bool(settings.CLAMD_SOCKET or settings.CLAMD_HOST)


def _connect():
    timeout = settings.CLAMD_TIMEOUT
    if settings.CLAMD_SOCKET:
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            connection.settimeout(timeout)
            connection.connect(settings.CLAMD_SOCKET)
        except OSError:
            connection.close()
            raise
        return connection
    return socket.create_connection((settings.CLAMD_HOST, settings.CLAMD_PORT), timeout=timeout)


def _read_reply(connection):
    reply = b""
    while not reply.endswith(b"\0") and len(reply) < MAX_REPLY_LENGTH:
        data = connection.recv(1024)
        if not data:
            break
        reply += data
    return reply.rstrip(b"\0").decode("utf-8", "replace").strip()


def scan_file(fileobj):
    """Scan a file with clamd if one is configured; return a ScanResult.

    The file is read from its start and left rewound. Raises ScannerUnavailable when the
    configured daemon cannot be reached or does not give a verdict.
    """
    if not scanner_configured():
        return NOT_SCANNED
    fileobj.seek(0)
    try:
        with _connect() as connection:
            # "z" prefix: commands and replies are NUL-terminated.
            connection.sendall(b"zINSTREAM\0")
            while chunk := fileobj.read(CHUNK_SIZE):
                connection.sendall(struct.pack("!L", len(chunk)) + chunk)
            connection.sendall(struct.pack("!L", 0))
            reply = _read_reply(connection)
    except OSError as error:
        logger.warning("clamd unreachable: %s", error)
        raise ScannerUnavailable(str(error)) from error
    finally:
        fileobj.seek(0)
    # Replies: "stream: OK", "stream: <signature> FOUND", "<message> ERROR".
    if reply.endswith("FOUND"):
        signature = reply.removeprefix("stream:").removesuffix("FOUND").strip()
        logger.warning("clamd found %s in an upload", signature)
        return ScanResult(clean=False, signature=signature)
    if reply.endswith("OK"):
        return ScanResult(clean=True)
    logger.warning("clamd gave no verdict: %r", reply)
    raise ScannerUnavailable(reply or "empty reply")
