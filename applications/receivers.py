"""What applications lends to callforms (which may not import it): how many drafts answered a
question, and dropping that answer from the drafts when the question is deleted."""

from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver

from applications.enums import ApplicationState
from applications.models import Application, Attachment
from callforms.registry import register_answer_counter
from callforms.signals import question_deleted


def _drafts_answering(wave, key):
    return Application.objects.filter(wave=wave, state=ApplicationState.DRAFT, answers__has_key=key)


@register_answer_counter
def draft_answer_count(wave, key):
    """How many drafts of the wave answered the question `key` (in their answers, or with a
    document for a file question)."""
    with_documents = Application.objects.filter(
        wave=wave,
        state=ApplicationState.DRAFT,
        attachments__kind=key,
        attachments__message__isnull=True,
    )
    return (
        Application.objects.filter(
            Q(pk__in=_drafts_answering(wave, key).values("pk"))
            | Q(pk__in=with_documents.values("pk"))
        )
        .distinct()
        .count()
    )


@receiver(question_deleted, dispatch_uid="applications.drop_deleted_question_answers")
def drop_deleted_question_answers(sender, *, wave, key, **kwargs):
    """A question deleted before the lock takes its drafts' answers with it (and, for a file
    question, the drafts' documents that answered it; their files go after the commit)."""
    for application in _drafts_answering(wave, key).only("pk", "answers"):
        answers = dict(application.answers)
        answers.pop(key, None)
        Application.objects.filter(pk=application.pk).update(answers=answers)
    documents = Attachment.objects.filter(
        application__wave=wave,
        application__state=ApplicationState.DRAFT,
        kind=key,
        message__isnull=True,
    )
    files = [(document.file.storage, document.file.name) for document in documents]
    documents.delete()
    for storage, name in files:
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
