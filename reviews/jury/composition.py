"""The jury of a wave as staff compose it: who sits, who presides.

The composition is the default of the wave's live sittings (reviews.jury.sessions): staff
convene these members without ticking them one by one, and may still change them for one
sitting. « Nouvelle vague à partir de la précédente » copies it (reviews/receivers.py).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from label.rules import is_jury_member
from reviews.jury.selectors import jury_member_list
from reviews.models import JuryMember
from reviews.rules import require_perm


def jury_composition(wave):
    """The members of a wave's jury, the president first, with their accounts."""
    return list(JuryMember.objects.filter(wave=wave).select_related("user"))


def jury_composition_defaults(wave):
    """{"members_convened": [users], "president": user or None}: a sitting's defaults."""
    members = jury_composition(wave)
    return {
        "members_convened": [member.user for member in members if member.user.is_active],
        "president": next(
            (member.user for member in members if member.president and member.user.is_active),
            None,
        ),
    }


@transaction.atomic
def jury_composition_set(*, wave, by, members, president=None):
    """Replace the jury of a wave: its members (accounts with the jury role) and president.

    Effects: staff checked; every member active with the jury role; the president, if any,
    one of them; the rows replaced (a member kept keeps their row). Returns the members.
    """
    require_perm("reviews.manage_reviews", by)
    members = list(dict.fromkeys(members))
    refused = [user for user in members if not (user.is_active and is_jury_member(user))]
    if refused:
        raise ValidationError(
            _(
                "Seuls les comptes actifs ayant le rôle de membre du jury peuvent y siéger : "
                "%(names)s."
            )
            % {"names": ", ".join(user.full_name or user.email for user in refused)}
        )
    if president is not None and president not in members:
        raise ValidationError(
            _("Le président ou la présidente doit être l'un des membres du jury.")
        )
    JuryMember.objects.filter(wave=wave).exclude(user__in=members).delete()
    # Clear the president first: the constraint allows one per wave at every moment.
    JuryMember.objects.filter(wave=wave, president=True).update(president=False)
    existing = set(JuryMember.objects.filter(wave=wave).values_list("user_id", flat=True))
    JuryMember.objects.bulk_create(
        JuryMember(wave=wave, user=user) for user in members if user.pk not in existing
    )
    if president is not None:
        JuryMember.objects.filter(wave=wave, user=president).update(president=True)
    return jury_composition(wave)


def jury_composition_copy(*, wave, source):
    """Copy the jury of ``source`` into ``wave`` (which has none yet), president included."""
    if JuryMember.objects.filter(wave=wave).exists():
        return []
    return JuryMember.objects.bulk_create(
        JuryMember(wave=wave, user_id=member.user_id, president=member.president)
        for member in JuryMember.objects.filter(wave=source, user__is_active=True)
    )


class JuryCompositionForm(forms.Form):
    """The members of a wave's jury and its president: it validates, never writes."""

    members = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Membres du jury"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Les comptes ayant le rôle de membre du jury. Ils seront convoqués par défaut aux "
            "séances de la vague."
        ),
    )
    president = forms.ModelChoiceField(
        label=gettext_lazy("Président ou présidente"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("— Pas encore désigné —"),
        help_text=gettext_lazy("L'un des membres cochés ; sa voix départage une égalité."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = jury_member_list()
        self.fields["president"].queryset = jury_member_list()

    def clean(self):
        cleaned = super().clean()
        president, members = cleaned.get("president"), cleaned.get("members")
        if president is not None and members is not None and president not in members:
            self.add_error(
                "president",
                _("Cochez aussi le président ou la présidente parmi les membres du jury."),
            )
        return cleaned
