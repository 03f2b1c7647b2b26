"""Models shared by the whole portal: accounts, territory, waves, mail outbox."""

from label.models.audit import AuditAction, AuditEvent
from label.models.catalogue import CatalogueEntry, CatalogueEntryTheme
from label.models.certificates import Certificate, CertificateStatus
from label.models.criteria import Criterion, CriterionGroup
from label.models.outbox import OutboxMail
from label.models.security import (
    ApplicationAnonymisation,
    OTPDevice,
    RecoveryCode,
    RetentionRun,
    RetentionWarning,
    RetentionWarningKind,
)
from label.models.territory import Commune
from label.models.users import User
from label.models.waves import Wave

__all__ = [
    "ApplicationAnonymisation",
    "AuditAction",
    "AuditEvent",
    "CatalogueEntry",
    "CatalogueEntryTheme",
    "Certificate",
    "CertificateStatus",
    "Commune",
    "Criterion",
    "CriterionGroup",
    "OTPDevice",
    "OutboxMail",
    "RecoveryCode",
    "RetentionRun",
    "RetentionWarning",
    "RetentionWarningKind",
    "User",
    "Wave",
]
