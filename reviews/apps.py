from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Évaluations et jury")

    def ready(self):
        from reviews import receivers  # noqa: F401 -- connects the receivers of label's signals
        from reviews.ranking import receivers as ranking_receivers
        from reviews.ranking.exports import register_score_export_columns

        register_score_export_columns()
        ranking_receivers.connect()
