from django.urls import path

from callforms import views

app_name = "callforms"

PREFIX = "instruction/vagues/<int:number>/formulaire/"

urlpatterns = [
    path(PREFIX, views.FormEditView.as_view(), name="form_edit"),
    path(f"{PREFIX}apercu/", views.PreviewView.as_view(), name="form_preview"),
    path(f"{PREFIX}sections/nouvelle/", views.SectionCreateView.as_view(), name="section_create"),
    path(
        f"{PREFIX}sections/<int:pk>/modifier/",
        views.SectionUpdateView.as_view(),
        name="section_update",
    ),
    path(
        f"{PREFIX}sections/<int:pk>/supprimer/",
        views.SectionDeleteView.as_view(),
        name="section_delete",
    ),
    path(
        f"{PREFIX}sections/<int:pk>/deplacer/", views.SectionMoveView.as_view(), name="section_move"
    ),
    path(
        f"{PREFIX}questions/nouvelle/", views.QuestionCreateView.as_view(), name="question_create"
    ),
    path(
        f"{PREFIX}questions/<int:pk>/modifier/",
        views.QuestionUpdateView.as_view(),
        name="question_update",
    ),
    path(
        f"{PREFIX}questions/<int:pk>/type/",
        views.QuestionKindView.as_view(),
        name="question_kind",
    ),
    path(
        f"{PREFIX}questions/<int:pk>/supprimer/",
        views.QuestionDeleteView.as_view(),
        name="question_delete",
    ),
    path(
        f"{PREFIX}questions/<int:pk>/deplacer/",
        views.QuestionMoveView.as_view(),
        name="question_move",
    ),
]
