from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("evaluations/", views.ReviewerHomeView.as_view(), name="reviewer_home"),
    path("jury/", views.JuryHomeView.as_view(), name="jury_home"),
]
