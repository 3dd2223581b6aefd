"""Public appraisal pages, mounted at /appraisal/ (namespace "appraisal")."""

from django.urls import path

from . import conduct, exports, views

app_name = "appraisal"

urlpatterns = [
    path("", views.public_index, name="index"),
    path("demands/", views.public_demands, name="demands"),
    path("conduct/<str:code>/", conduct.conduct_rate, name="conduct"),
    path("open-data/demands.<str:fmt>", exports.open_demands, name="open_demands"),
    path("open-data/figures.<str:fmt>", exports.open_figures, name="open_figures"),
]
