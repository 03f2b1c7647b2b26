"""Models shared by the whole portal: accounts, territory, waves, mail outbox."""

from label.models.catalogue import CatalogueEntry, CatalogueEntryTheme
from label.models.certificates import Certificate, CertificateStatus
from label.models.criteria import Criterion, CriterionGroup
from label.models.outbox import OutboxMail
from label.models.territory import Commune
from label.models.users import User
from label.models.waves import Wave

__all__ = [
    "CatalogueEntry",
    "CatalogueEntryTheme",
    "Certificate",
    "CertificateStatus",
    "Commune",
    "Criterion",
    "CriterionGroup",
    "OutboxMail",
    "User",
    "Wave",
]
