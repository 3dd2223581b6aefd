"""`collectstatic` with the production storage (WhiteNoise's strict manifest), as a deployment runs it:
a vendored file naming a file that is not there (a source map, a font) fails here, not at deployment."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_collectstatic_with_the_production_storage_succeeds(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("vendor/leaflet/leaflet.*.js"))
