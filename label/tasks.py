"""Celery tasks of the label app: thin wrappers that take ids and call one service."""

from celery import shared_task
from django.conf import settings

from label import certificates, retention, services


@shared_task(name="label.send_outbox_mail", ignore_result=True)
def task_send_outbox_mail(mail_id):
    """Send one outbox mail (retries are the sweep's job, with backoff kept in the row)."""
    return services.outbox_send(mail_id=mail_id)


@shared_task(name="label.sweep_outbox", ignore_result=True)
def task_sweep_outbox():
    """Send every outbox mail that is due."""
    return services.outbox_sweep()


@shared_task(
    name="label.render_certificate",
    ignore_result=True,
    autoretry_for=certificates.TRANSIENT_ERRORS,
    # 30 s, 1 min, 2 min, 4 min (with jitter): time for the database or storage to come back.
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=settings.CERTIFICATE_MAX_ATTEMPTS - 1,
)
def task_render_certificate(certificate_id):
    """Render one certificate version (idempotent: a rendered version is left alone)."""
    certificates.certificate_render(certificate_id=certificate_id)


@shared_task(name="label.sweep_certificates", ignore_result=True)
def task_sweep_certificates():
    """Queue again the certificates still pending a while after their issue."""
    return certificates.certificate_sweep()


@shared_task(name="label.apply_retention", ignore_result=True)
def task_apply_retention():
    """Apply the retention periods of personal data (daily, from the beat)."""
    run = retention.retention_run(trigger="beat")
    return run.pk if run is not None else None
