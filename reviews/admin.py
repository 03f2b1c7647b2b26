"""Technical admin of the reviews app: read-mostly; the review process goes through the pages
of the instruction and reviewer areas, which apply its rules."""

from django.contrib import admin

from label.admin_security import ReadOnlyAdmin
from reviews.models import (
    AdvisoryPanel,
    Assignment,
    Committee,
    Criterion,
    JuryDecision,
    JurySession,
    Recusal,
    Review,
    ReviewerProfile,
    Score,
)


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "wave"]
    list_filter = ["wave", "kind"]
    search_fields = ["name"]
    filter_horizontal = ["members"]


@admin.register(AdvisoryPanel)
class AdvisoryPanelAdmin(admin.ModelAdmin):
    """Advisory panels (« Jury jeunes ») of a wave and their members; opinions are given on
    the members' own page (/jury/avis/<panel>/)."""

    list_display = ["name", "wave"]
    list_filter = ["wave"]
    filter_horizontal = ["members"]


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "updated_at"]
    search_fields = ["user__email", "user__full_name", "organisation"]
    filter_horizontal = ["mandate_communes"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = [
        "application",
        "reviewer",
        "committee",
        "due_on",
        "confidentiality_accepted_at",
        "conflict_declared_at",
    ]
    list_filter = ["application__wave", "committee"]
    search_fields = ["application__reference", "reviewer__email", "reviewer__full_name"]


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0
    fields = ["criterion", "value", "comment"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "state", "opinion", "submitted_at"]
    list_filter = ["state", "opinion", "assignment__application__wave"]
    inlines = [ScoreInline]


# Jury records are written by the jury pages and the announcement only; the admin reads them.
@admin.register(JuryDecision)
class JuryDecisionAdmin(ReadOnlyAdmin):
    list_display = ["application", "outcome", "recorded_by", "recorded_at", "announced_at"]
    list_filter = ["outcome", "application__wave"]
    search_fields = ["application__reference", "application__title"]


@admin.register(JurySession)
class JurySessionAdmin(ReadOnlyAdmin):
    list_display = ["wave", "held_on", "place"]
    list_filter = ["wave"]


@admin.register(Recusal)
class RecusalAdmin(ReadOnlyAdmin):
    list_display = ["application", "member", "automatic", "created_at"]
    list_filter = ["automatic", "wave"]
    search_fields = ["application__reference", "member__email", "member__full_name"]


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdmin):
    """The criteria grids, read-only here: staff edit them in the instruction area, which
    locks a grid once the first review of its wave is submitted."""

    list_display = ["code", "label", "wave", "group", "weight", "scale_max", "required"]
    list_filter = ["wave", "group", "required", "counts_in_ranking"]
    search_fields = ["code", "label"]
    ordering = ["wave", "position", "code"]
