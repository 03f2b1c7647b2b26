from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.enums import ApplicationState, Transition


class ApplicationEvent(models.Model):
    """One move of an application, written in the transaction of the move (its timeline)."""

    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="events"
    )
    transition = models.CharField(_("transition"), max_length=30, choices=Transition.choices)
    from_state = models.CharField(
        _("état de départ"), max_length=20, choices=ApplicationState.choices, blank=True
    )
    to_state = models.CharField(
        _("état d'arrivée"), max_length=20, choices=ApplicationState.choices
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message = models.TextField(_("message au porteur"), blank=True)
    internal_note = models.TextField(
        _("note interne"), blank=True, help_text=_("Jamais montrée au porteur de projet.")
    )
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        verbose_name = _("événement du dossier")
        verbose_name_plural = _("historique des dossiers")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_transition_display()} ({self.created_at:%d/%m/%Y %H:%M})"


class Message(models.Model):
    """A message of the thread between the applicant and the instruction team."""

    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_instruction = models.BooleanField(_("envoyé par l'équipe d'instruction"), default=False)
    body = models.TextField(_("message"), max_length=5000)
    attachment = models.OneToOneField(
        "applications.Attachment",
        verbose_name=_("pièce jointe"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="message",
    )
    created_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.body[:60]
