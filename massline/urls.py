"""Top-level URLs: each app mounts its own; the admin sits under /admin/."""

from django.contrib import admin
from django.urls import include, path

from massline.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("staff/org/", include("massline.org.urls")),
    path("staff/cases/", include(("massline.cases.urls_staff", "cases_staff"))),
    path("demands/", include(("massline.cases.urls_public", "cases_public"))),
    path("privacy/", include(("massline.cases.urls_privacy", "cases_privacy"))),
    path("staff/intake/", include(("massline.cases.urls_intake", "cases_intake"))),
    path("staff/routing/", include("massline.routing.urls")),
    path("open311/v2/", include("massline.open311.urls")),
    path("api/v1/", api.urls),
    path("consultations/", include("massline.consultations.urls")),
    path("staff/consultations/", include("massline.consultations.staff_urls")),
    path("integrity/", include("massline.integrity.urls")),
    path("staff/integrity/", include("massline.integrity.staff_urls")),
    path("appraisal/", include("massline.appraisal.urls")),
    path("staff/appraisal/", include("massline.appraisal.staff_urls")),
    path("pledges/", include("massline.pledges.urls")),
    path("staff/pledges/", include("massline.pledges.staff_urls")),
    path("staff/outbox/", include("massline.outbox.urls")),
    path("disclosure/", include("massline.disclosure.urls")),
    path("staff/disclosure/", include("massline.disclosure.staff_urls")),
    path("", include("massline.web.urls")),
]
