"""What the certificates app does when the jury's outcome is announced (reviews/signals.py)."""

from django.dispatch import receiver

from applications.models import Application
from certificates.services import certificate_issue
from reviews.signals import project_labelled


@receiver(project_labelled, sender=Application, dispatch_uid="certificates.issue_on_label")
def certificate_issue_on_label(sender, application, by, **kwargs):
    """Issue the certificate of a project announced labelled (rendered by a task on commit)."""
    certificate_issue(application=application, by=by)
