"""Models shared by the whole portal: accounts, territory, waves, mail outbox."""

from label.models.outbox import OutboxMail
from label.models.territory import Commune
from label.models.users import User
from label.models.waves import Wave

__all__ = ["Commune", "OutboxMail", "User", "Wave"]
