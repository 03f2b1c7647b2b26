"""Celery tasks of the label app: the mail outbox."""

from celery import shared_task

from label import services


@shared_task(name=services.SEND_OUTBOX_MAIL_TASK, ignore_result=True)
def task_send_outbox_mail(mail_id):
    """Send one outbox mail (retries are the sweep's job, with backoff kept in the row)."""
    return services.outbox_send(mail_id=mail_id)


@shared_task(name="label.sweep_outbox", ignore_result=True)
def task_sweep_outbox():
    """Send every outbox mail that is due."""
    return services.outbox_sweep()
