"""Models of the applications app: the Application, its history, messages and attachments."""

from applications.models.application import Application
from applications.models.attachments import Attachment
from applications.models.exports import ExportJob, ExportStatus
from applications.models.history import ApplicationEvent, Message
from applications.models.interest import ExpressionOfInterest
from applications.models.notes import StaffNote
from applications.models.reminders import DraftReminder, ReminderKind

__all__ = [
    "Application",
    "ApplicationEvent",
    "Attachment",
    "DraftReminder",
    "ExportJob",
    "ExportStatus",
    "ExpressionOfInterest",
    "Message",
    "ReminderKind",
    "StaffNote",
]
