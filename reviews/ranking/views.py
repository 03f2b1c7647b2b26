"""The staff page of a wave's ranking under /instruction/."""

from django.core.paginator import Paginator
from django.views.generic import TemplateView

from reviews.mixins import WaveMixin
from reviews.ranking.selectors import ranking_for_wave_kept

RANKING_PAGE_SIZE = 50


class RankingView(WaveMixin, TemplateView):
    """The ranking of the wave's reviewed files: raw and normalised means side by side.

    The ranking is computed once per change of the wave's reviews and kept; the page shows
    50 files at a time, with the wave's summary on every page.
    """

    template_name = "reviews/ranking.html"

    def get_context_data(self, **kwargs):
        ranking = ranking_for_wave_kept(self.wave, sort=self.request.GET.get("tri", "normalised"))
        page = Paginator(ranking.rows, RANKING_PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            ranking=ranking,
            page_obj=page,
            rows=page.object_list,
            page_numbers=page.paginator.get_elided_page_range(page.number, on_each_side=2),
            summary={
                "files": len(ranking.rows),
                "reviewed": sum(1 for row in ranking.rows if row.reviews),
                "reviews": sum(row.reviews for row in ranking.rows),
                "assigned": sum(row.assigned for row in ranking.rows),
            },
            **kwargs,
        )
