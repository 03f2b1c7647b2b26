"""The « Cahier du label »: staff write its introduction, ask for a version, publish it.

A generation is asked for by staff (``booklet_request``: a new queued version) and made by a
Celery task (``booklet_generate``), which reports its progress project by project on the row
so that the staff page's progress bar can follow it. Each generation is a new version; the
older ones stay. At most one version of a wave is published.
"""

import hashlib
import logging
import secrets
from datetime import timedelta

from celery import current_app
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from booklets.document import booklet_render_pdf
from booklets.models import ACTIVE_STATUSES, Booklet, BookletSettings, BookletStatus
from label.enums import WavePhase
from label.models import Wave

logger = logging.getLogger(__name__)

GENERATE_BOOKLET_TASK = "booklets.generate_booklet"
# A version queued or running whose progress has not moved for this long was left by a
# worker that died (or its message was lost with the broker): it is marked failed and no
# longer blocks a new generation. Each project page takes a fraction of a second, but the
# rendering of the whole document by WeasyPrint is one step without progress, which for a
# large wave with photos and maps can take minutes on a busy worker: half an hour leaves
# a wide margin.
BOOKLET_LOST_AFTER = timedelta(minutes=30)
# The share of the progress bar given to preparing the project pages; the rest is the
# rendering of the whole document, which WeasyPrint does in one go.
PROJECTS_SHARE = 80


def booklet_wave_may_have_booklet(wave):
    """Only a wave whose results are announced has labelled projects to print."""
    return wave.phase == WavePhase.ANNOUNCED


@transaction.atomic
def booklet_introduction_save(*, wave, introduction, by):
    """Save the introduction the wave's next cahier versions will print."""
    settings_row, _created = BookletSettings.objects.select_for_update().get_or_create(wave=wave)
    settings_row.introduction = (introduction or "").strip()
    settings_row.updated_by = by
    settings_row.save(update_fields=["introduction", "updated_by", "updated_at"])
    return settings_row


def _schedule_generation(booklet_id):
    try:
        # Found by its name in Celery's registry (booklets/tasks.py registers it when the
        # app is ready), so that services never import the tasks that call them.
        current_app.tasks[GENERATE_BOOKLET_TASK].delay(booklet_id)
    except Exception:
        # Without a broker nothing would ever run it: say so on the row rather than leave
        # a version « waiting » forever, and let staff ask again.
        logger.exception("Could not queue the generation of booklet %s.", booklet_id)
        Booklet.objects.filter(pk=booklet_id, status=BookletStatus.QUEUED).update(
            status=BookletStatus.FAILED,
            message=_("La génération n'a pas pu être lancée ; veuillez réessayer."),
            finished_at=timezone.now(),
        )


def booklets_expire_lost(*, wave=None, now=None):
    """Mark failed the versions a dead worker left queued or running; returns how many.

    A version silent for BOOKLET_LOST_AFTER would block its wave for ever; marked failed, it
    says why in the list of versions and « Générer le cahier » is offered again. Run when
    the staff page or a version's state is read, when a version is asked for, and by the
    `booklets.expire_lost_booklets` task, so that nothing depends on beat running. Only
    the wave given, when one is.
    """
    now = now or timezone.now()
    cutoff = now - BOOKLET_LOST_AFTER
    # Before its first heartbeat (still queued, or recorded before heartbeat_at existed), a
    # version counts from its start, or from when it was asked for.
    silent = (
        Q(heartbeat_at__lt=cutoff)
        | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
        | Q(heartbeat_at__isnull=True, started_at__isnull=True, created_at__lt=cutoff)
    )
    versions = Booklet.objects.filter(status__in=ACTIVE_STATUSES).filter(silent)
    if wave is not None:
        versions = versions.filter(wave=wave)
    return versions.update(
        status=BookletStatus.FAILED,
        message=_(
            "La génération s'est interrompue : le service de tâches a sans doute été "
            "redémarré. Relancez-la avec « Générer le cahier »."
        ),
        finished_at=now,
    )


@transaction.atomic
def booklet_request(*, wave, by):
    """Ask for a new version of the wave's cahier; it is generated in the background.

    Effects, in order: lock the wave (versions are numbered one after the other); refuse a
    wave whose results are not announced, or one whose cahier is already being generated;
    create version n+1, queued, with the introduction written so far; queue the task on
    commit. Returns the new version.
    """
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    if not booklet_wave_may_have_booklet(wave):
        raise ValidationError(
            _("Le cahier ne peut être généré qu'une fois les résultats de la vague annoncés.")
        )
    booklets_expire_lost(wave=wave)
    if Booklet.objects.filter(wave=wave, status__in=ACTIVE_STATUSES).exists():
        raise ValidationError(
            _(
                "Une version du cahier est déjà en cours de génération ; "
                "attendez qu'elle soit prête."
            )
        )
    last = Booklet.objects.filter(wave=wave).aggregate(last=Max("version"))["last"] or 0
    settings_row = BookletSettings.objects.filter(wave=wave).first()
    booklet = Booklet.objects.create(
        wave=wave,
        version=last + 1,
        introduction=settings_row.introduction if settings_row else "",
        created_by=by,
        message=_("En attente de génération."),
    )
    transaction.on_commit(lambda: _schedule_generation(booklet.pk))
    return booklet


def _claim(booklet_id):
    """Move a queued version to running, once; None if it is not queued (already done,
    running elsewhere, or unknown)."""
    with transaction.atomic():
        booklet = (
            Booklet.objects.select_for_update(of=("self",))
            .select_related("wave")
            .filter(pk=booklet_id)
            .first()
        )
        if booklet is None or booklet.status != BookletStatus.QUEUED:
            return None
        booklet.status = BookletStatus.RUNNING
        booklet.started_at = booklet.heartbeat_at = timezone.now()
        booklet.progress = 0
        booklet.message = _("Préparation des pages des projets…")
        booklet.save(update_fields=["status", "started_at", "heartbeat_at", "progress", "message"])
        return booklet


def _report(booklet_id, progress, message):
    # Outside any transaction: each step is committed at once, so the polling page sees it.
    # A version already declared lost stays failed: its bar no longer moves.
    Booklet.objects.filter(pk=booklet_id, status=BookletStatus.RUNNING).update(
        progress=min(max(int(progress), 0), 100), message=message, heartbeat_at=timezone.now()
    )


def _file_name(booklet):
    # A random part, so that no file name can be guessed from the wave and version.
    wave, version = booklet.wave.number, booklet.version
    return f"cahiers/cahier-vague-{wave}-v{version}-{secrets.token_hex(8)}.pdf"


def booklet_generate(*, booklet_id):
    """Generate one queued version of a cahier: its PDF, its fingerprint and its size.

    Idempotent: only a queued version is claimed (then running), so a task delivered twice
    generates once. Progress is written after each project page (up to 80 %), then after the
    rendering (95 %) and at the end (100 %), each with a heartbeat. A failure marks the
    version failed with a message for staff, and the error is logged. A worker that wakes up
    after its version was declared lost neither moves its bar nor rewrites its failure, but
    a file it does finish makes the version ready. Returns the version, or None when there
    was nothing to do.
    """
    booklet = _claim(booklet_id)
    if booklet is None:
        return None

    def on_project(done, total):
        _report(
            booklet_id,
            PROJECTS_SHARE * done / total,
            _("Projet %(done)s sur %(total)s préparé.") % {"done": done, "total": total},
        )

    try:
        content = booklet_render_pdf(booklet, on_project=on_project)
        _report(booklet_id, 95, _("Enregistrement du fichier…"))
        name = booklet.file.storage.save(_file_name(booklet), ContentFile(content))
    except Exception:
        logger.exception("Generation of booklet %s failed.", booklet_id)
        Booklet.objects.filter(pk=booklet_id, status=BookletStatus.RUNNING).update(
            status=BookletStatus.FAILED,
            message=_("La génération a échoué ; l'erreur est consignée. Veuillez réessayer."),
            finished_at=timezone.now(),
        )
        return Booklet.objects.get(pk=booklet_id)
    now = timezone.now()
    # Also over a version declared lost meanwhile (a worker that stalled, then woke up):
    # its file is complete, so the version is ready after all. A version is never run
    # twice, so no other run can own it.
    Booklet.objects.filter(
        pk=booklet_id, status__in=(BookletStatus.RUNNING, BookletStatus.FAILED)
    ).update(
        status=BookletStatus.DONE,
        progress=100,
        message=_("Le cahier est prêt."),
        file=name,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        heartbeat_at=now,
        finished_at=now,
    )
    return Booklet.objects.get(pk=booklet_id)


@transaction.atomic
def booklet_publish(*, booklet, by):
    """Publish a ready version at /projets/cahiers/; the wave's other versions are withdrawn.

    One cahier per edition is public: publishing a corrected version replaces the older one.
    """
    booklet = Booklet.objects.select_for_update().select_related("wave").get(pk=booklet.pk)
    if not booklet.is_done:
        raise ValidationError(_("Seule une version prête du cahier peut être publiée."))
    now = timezone.now()
    Booklet.objects.filter(wave=booklet.wave, published_at__isnull=False).exclude(
        pk=booklet.pk
    ).update(published_at=None)
    if booklet.published_at is None:
        booklet.published_at = now
        booklet.save(update_fields=["published_at"])
    return booklet


@transaction.atomic
def booklet_withdraw(*, booklet, by):
    """Take a published version off the public list (the file stays, for staff)."""
    booklet = Booklet.objects.select_for_update().get(pk=booklet.pk)
    if booklet.published_at is not None:
        booklet.published_at = None
        booklet.save(update_fields=["published_at"])
    return booklet
