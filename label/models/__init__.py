"""Models of the floor every app stands on: accounts, territory, waves, mail outbox, audit."""

from label.models.audit import AuditAction, AuditEvent
from label.models.outbox import OutboxMail
from label.models.territory import Commune
from label.models.users import User
from label.models.waves import Wave, WaveMailText

__all__ = [
    "AuditAction",
    "AuditEvent",
    "Commune",
    "OutboxMail",
    "User",
    "Wave",
    "WaveMailText",
]
