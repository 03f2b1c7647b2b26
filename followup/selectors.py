"""Reads of the follow-up that own their select_related / prefetch."""

from django.db.models import Prefetch

from applications.enums import ApplicationState
from applications.models import Application
from followup.enums import SIGNED_CONVENTION_STATES, NewsStatus
from followup.models import Convention, ProjectNews, SupportMessage, SupportRequest
from reviews.models import JuryDecision

FOLLOWED_STATES = (ApplicationState.LABELLED, ApplicationState.REVOKED)


def followup_application_get(pk):
    """A labelled (or revoked) application with what its follow-up pages show, or None."""
    return (
        Application.objects.select_related("wave", "owner")
        .filter(pk=pk, state__in=FOLLOWED_STATES)
        .first()
    )


def followup_list_for_holder(user):
    """The labelled applications the account holds, with their convention."""
    return list(
        Application.objects.filter(owner=user, state__in=FOLLOWED_STATES)
        .select_related("wave", "convention")
        .order_by("-wave__number", "title")
    )


def support_request_list_for_application(application):
    """The support requests of an application, with their thread and their staff owner."""
    return list(
        SupportRequest.objects.filter(application=application)
        .select_related("owner")
        .prefetch_related(
            Prefetch("messages", queryset=SupportMessage.objects.select_related("author"))
        )
    )


def convention_get(application):
    """The convention of an application, or None while none was drawn up."""
    return Convention.objects.filter(application=application).first()


def convention_is_signed(application_id):
    """Has the holder of this application accepted its convention?"""
    return Convention.objects.filter(
        application_id=application_id, status__in=list(SIGNED_CONVENTION_STATES)
    ).exists()


def public_followup_for_application(application_id):
    """What the public page shows of a project's follow-up: the jury's « atouts »."""
    decision = JuryDecision.objects.filter(application_id=application_id).first()
    # The « atouts » field comes with the jury's work on issue 14; absent, nothing is shown.
    news = ProjectNews.objects.filter(
        application_id=application_id,
        status=NewsStatus.APPROVED,
        application__state=ApplicationState.LABELLED,
    )
    return {"atouts": getattr(decision, "atouts", "") or "", "news": list(news)}
