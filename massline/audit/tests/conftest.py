import pytest


@pytest.fixture
def admin_user_plain(django_user_model):
    return django_user_model.objects.create_user(username="auditor", password="not-used-here-1")
