"""Public pages of demands, mounted at /demands/ (namespace "cases_public")."""

from django.urls import path
from django.views.generic import RedirectView

from . import views_privacy, views_public

urlpatterns = [
    # The list has its own path so that the navigation does not mark it current on every /demands/ page.
    path("", RedirectView.as_view(pattern_name="cases_public:list", permanent=False)),
    path("public/", views_public.public_list, name="list"),
    path("new/", views_public.submit, name="submit"),
    path("new/similar/", views_public.similar, name="similar"),
    path("received/<str:code>/", views_public.received, name="received"),
    path("track/", views_public.track_lookup, name="track_lookup"),
    path("track/<str:code>/", views_public.track, name="track"),
    path("track/<str:code>/rate/", views_public.rate, name="rate"),
    path("track/<str:code>/data/", views_privacy.from_tracking, name="data_request"),
    path("public/<int:pk>/", views_public.public_detail, name="detail"),
    path("map/", views_public.public_map, name="map"),
    # The per-unit figures moved to the appraisal app's public page; old links keep working.
    path("units/", RedirectView.as_view(pattern_name="appraisal:index", permanent=True), name="units"),
]
