"""The catalogue's line of the staff to-do (applications.todo): photos awaiting a decision.

Registered from CatalogueConfig.ready(). Photos are proposed for projects labelled in past
waves, while staff usually look at the to-do of the open wave: the line counts every pending
photo, whatever the wave on screen, so that none waits unseen.
"""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import ngettext

from applications.models import Application
from applications.todo import register_todo_line
from catalogue.models import PhotoStatus, ProjectPhoto


def application_list_with_pending_photo(wave):
    """Labelled files (of any wave) whose holder proposed a photo not yet decided."""
    pending = ProjectPhoto.objects.filter(
        entry__source_application_id=OuterRef("pk"), status=PhotoStatus.PENDING
    )
    return (
        Application.objects.filter(Exists(pending))
        .order_by("reference", "pk")
        .values_list("pk", "reference", "title")
    )


def register_todo_lines():
    """Add the catalogue's line to the staff to-do (called from CatalogueConfig.ready())."""
    register_todo_line(
        "catalogue_photos_pending",
        application_list_with_pending_photo,
        lambda count, wave: (
            ngettext(
                "%(count)s projet labellisé dont la photo proposée attend votre validation",
                "%(count)s projets labellisés dont la photo proposée attend votre validation",
                count,
            )
            % {"count": count}
        ),
        lambda wave: reverse("catalogue:photo_review_list"),
        order=80,
    )
