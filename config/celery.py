"""The Celery application; tasks are discovered in each app's tasks.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")


def make_celery_app(main="label_euralens", **options):
    """A Celery application configured from the Django settings (the CELERY_* names).

    The portal uses the module-level ``app``; tests build a second one from the same
    configuration when they need a broker of their own (unreachable, or a private queue).
    """
    celery_app = Celery(main, **options)
    celery_app.config_from_object("django.conf:settings", namespace="CELERY")
    celery_app.autodiscover_tasks()
    return celery_app


app = make_celery_app()
