"""Celery tasks of the certificates: thin wrappers that take ids and call one service.

The tasks were named ``label.*`` before the certificates got an app of their own; the old
names stay registered for one release so that a message queued
by the previous release is still run after the upgrade.
"""

from celery import shared_task
from django.conf import settings

from certificates import services


@shared_task(
    name=services.RENDER_CERTIFICATE_TASK,
    ignore_result=True,
    autoretry_for=services.TRANSIENT_ERRORS,
    # 30 s, 1 min, 2 min, 4 min (with jitter): time for the database or storage to come back.
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=settings.CERTIFICATE_MAX_ATTEMPTS - 1,
)
def task_render_certificate(certificate_id):
    """Render one certificate version (idempotent: a rendered version is left alone)."""
    services.certificate_render(certificate_id=certificate_id)


@shared_task(name="certificates.sweep_certificates", ignore_result=True)
def task_sweep_certificates():
    """Queue again the certificates still pending a while after their issue."""
    return services.certificate_sweep()


# The names of the previous release, kept for one release: a message queued under the old
# name is handed on to the task under its new name (with its retries).
@shared_task(name="label.render_certificate", ignore_result=True)
def legacy_render_certificate(certificate_id):
    """Hand a render queued under the old name over to ``task_render_certificate``."""
    task_render_certificate.delay(certificate_id)


@shared_task(name="label.sweep_certificates", ignore_result=True)
def legacy_sweep_certificates():
    """Run the sweep queued under the old name."""
    return services.certificate_sweep()
