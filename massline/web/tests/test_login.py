"""Staff login: the form, argon2 hashing, lockout after repeated failures (django-axes), logout."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from massline import settings as project_settings
from massline.org.testing import PERSONA_PASSWORD as PASSWORD

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN"}


def _login(client, username, password, headers=EN):
    return client.post(reverse("web:login"), {"username": username, "password": password}, **headers)


@pytest.mark.django_db
def test_the_login_form_has_labels_and_autocomplete_hints(client):
    html = client.get(reverse("web:login"), **EN).content.decode()
    assert '<label for="id_username">User name</label>' in html
    assert '<label for="id_password">Password</label>' in html
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html


def test_an_officer_logs_in_and_lands_on_the_staff_home(client, officer_a):
    response = _login(client, "officer_a", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:staff_home")
    assert client.get(reverse("web:staff_home")).status_code == 200


def test_login_follows_a_safe_next_address(client, officer_a):
    response = client.post(
        reverse("web:login"), {"username": "officer_a", "password": PASSWORD, "next": "/staff/org/units/"}
    )
    assert response["Location"] == "/staff/org/units/"


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (EN, "The user name or password is not correct."),
        (ZH, "用户名或密码不正确。"),
    ],
)
def test_a_bad_password_shows_a_translated_error_and_keeps_the_user_name(client, officer_a, headers, message):
    response = _login(client, "officer_a", "wrong password", headers)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="officer_a"' in html
    assert "wrong password" not in html
    assert 'aria-invalid="true"' not in html.split('name="password"')[0].rsplit("<input", 1)[1]


def test_the_error_warns_about_the_lockout_to_come(client, officer_a):
    html = _login(client, "officer_a", "wrong password").content.decode()
    assert "After 5 failed attempts in a row, sign-in is locked for 30 minutes." in html


def test_passwords_are_hashed_with_argon2_under_the_project_settings(client, settings, make_official):
    # The shared test settings swap in MD5 for speed; put back what massline/settings.py configures.
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = make_official("argon_officer")
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert _login(client, "argon_officer", PASSWORD).status_code == 302


def test_the_sixth_attempt_after_five_failures_is_locked_out_even_with_the_right_password(client, officer_a):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _attempt in range(4):
        assert _login(client, "officer_a", "wrong password").status_code == 200
    fifth = _login(client, "officer_a", "wrong password")
    assert fifth.status_code == 429
    sixth = _login(client, "officer_a", PASSWORD)
    assert sixth.status_code == 429
    html = sixth.content.decode()
    assert "Sign-in locked" in html
    assert "There were 5 failed sign-in attempts in a row" in html
    assert "Try again in 30 minutes." in html
    assert "system administrator" in html
    assert "_auth_user_id" not in client.session


def test_the_lockout_page_is_translated(client, officer_a):
    for _attempt in range(5):
        _login(client, "officer_a", "wrong password", ZH)
    response = _login(client, "officer_a", PASSWORD, ZH)
    assert response.status_code == 429
    html = response.content.decode()
    assert "登录已锁定" in html
    assert "请在 30 分钟后重试。" in html


def test_a_lockout_only_concerns_that_user_name(client, officer_a, admin_user):
    for _attempt in range(5):
        _login(client, "officer_a", "wrong password")
    assert _login(client, "admin", PASSWORD).status_code == 302


def _lock_out(client):
    for _attempt in range(5):
        _login(client, "officer_a", "wrong password")
    assert _login(client, "officer_a", PASSWORD).status_code == 429


def test_a_good_login_works_again_after_the_cool_off(client, officer_a):
    _lock_out(client)
    cool_off = timedelta(hours=settings.AXES_COOLOFF_TIME)
    AccessAttempt.objects.update(attempt_time=timezone.now() - cool_off - timedelta(minutes=1))
    response = _login(client, "officer_a", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:staff_home")


def test_a_good_login_works_again_after_an_administrator_resets_the_lock(client, officer_a):
    _lock_out(client)
    axes_reset(username="officer_a")
    assert _login(client, "officer_a", PASSWORD).status_code == 302


def test_logout_is_a_post_that_returns_to_the_public_home(client_for, officer_a):
    client = client_for(officer_a)
    assert client.get(reverse("web:logout")).status_code == 405
    response = client.post(reverse("web:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert client.get(reverse("web:staff_home")).status_code == 302
