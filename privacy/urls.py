from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("donnees-personnelles/", views.PrivacyNoticeView.as_view(), name="notice"),
    # The person's data (RGPD rights)
    path("comptes/mes-donnees/", views.MyDataView.as_view(), name="my_data"),
    path("comptes/mes-donnees/telecharger/", views.MyDataExportView.as_view(), name="export"),
    path("comptes/mes-donnees/supprimer/", views.AccountDeleteView.as_view(), name="delete"),
]
