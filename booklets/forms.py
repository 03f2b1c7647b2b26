"""Forms of the booklets' staff page: the introduction (the buttons post empty forms)."""

from django import forms

from booklets.models import BookletSettings


class BookletIntroductionForm(forms.ModelForm):
    """The introduction of the wave's cahier, printed after its cover."""

    class Meta:
        model = BookletSettings
        fields = ["introduction"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 10})}
