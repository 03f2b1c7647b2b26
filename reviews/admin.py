"""Technical admin of the reviews app: read-mostly; the review process goes through the pages
of the instruction and reviewer areas, which apply its rules."""

from django.contrib import admin

from reviews.models import Assignment, Committee, Review, ReviewerProfile, Score


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "wave"]
    list_filter = ["wave", "kind"]
    search_fields = ["name"]
    filter_horizontal = ["members"]


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "updated_at"]
    search_fields = ["user__email", "user__full_name", "organisation"]
    filter_horizontal = ["mandate_communes"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Assignments and reviews change only through their service functions."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
