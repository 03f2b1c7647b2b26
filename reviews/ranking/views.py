"""The staff page of a wave's ranking under /instruction/."""

from django.views.generic import TemplateView

from reviews.mixins import WaveMixin
from reviews.ranking.selectors import ranking_for_wave


class RankingView(WaveMixin, TemplateView):
    """The ranking of the wave's reviewed files: raw and normalised means side by side."""

    template_name = "reviews/ranking.html"

    def get_context_data(self, **kwargs):
        sort = self.request.GET.get("tri", "normalised")
        return super().get_context_data(ranking=ranking_for_wave(self.wave, sort=sort), **kwargs)
