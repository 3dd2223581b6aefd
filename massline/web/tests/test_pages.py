"""The public home, the staff home and who may see it, and the error pages."""

import re

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from massline.web import context_processors

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN"}


@pytest.mark.django_db
def test_the_public_home_page_says_what_massline_does_for_citizens(client):
    response = client.get(reverse("web:home"), **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Raise a demand" in html
    assert "tracking code" in html
    assert 'href="/staff/login/"' in html
    assert '<a class="skip-link" href="#main">' in html
    # htmx requests carry the CSRF token; htmx may neither inject styles nor evaluate code (the CSP).
    assert re.search(r"hx-headers='\{\"X-CSRFToken\": \"[A-Za-z0-9]{32,}\"\}'", html)
    assert '"includeIndicatorStyles": false, "allowEval": false' in html


def test_the_staff_home_sends_an_anonymous_visitor_to_login(client, db):
    response = client.get(reverse("web:staff_home"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('web:login')}?next=/staff/"


def test_the_staff_home_greets_an_officer_with_their_role_and_unit(client_for, officer_a):
    response = client_for(officer_a).get(reverse("web:staff_home"), **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Welcome, 王芳" in html
    assert "Handler" in html
    assert "Bureau A" in html
    # Header: the official's name and roles, a logout form that POSTs.
    assert '<span class="user-roles">Handler</span>' in html
    assert f'action="{reverse("web:logout")}" method="post"' in html


def test_the_staff_home_shows_unit_names_in_chinese_for_chinese_readers(client_for, officer_a):
    html = client_for(officer_a).get(reverse("web:staff_home"), **ZH).content.decode()
    assert "您好，王芳" in html
    assert "甲局" in html


def test_the_staff_home_links_to_the_unit_list_but_not_the_admin_for_an_officer(client_for, officer_a):
    html = client_for(officer_a).get(reverse("web:staff_home"), **EN).content.decode()
    assert f'href="{reverse("org:unit_list")}"' in html
    assert f'href="{reverse("admin:index")}"' not in html


def test_the_staff_home_links_an_administrator_to_the_admin(client_for, admin_user):
    html = client_for(admin_user).get(reverse("web:staff_home"), **EN).content.decode()
    assert f'href="{reverse("admin:index")}"' in html
    assert "Everywhere" in html


@pytest.mark.parametrize("persona", ["outsider", "citizen"])
def test_the_staff_home_refuses_users_who_are_not_officials(client_for, persona, request):
    user = request.getfixturevalue(persona)
    response = client_for(user).get(reverse("web:staff_home"), **EN)
    assert response.status_code == 403
    html = response.content.decode()
    assert "This workbench is for officials" in html
    assert "ask your administrator to add you" in html
    # No workbench navigation leaks to them.
    assert reverse("org:unit_list") not in html


def test_the_refusal_is_translated(client_for, outsider):
    response = client_for(outsider).get(reverse("web:staff_home"), **ZH)
    assert response.status_code == 403
    assert "此工作台仅供平台各单位工作人员使用" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("headers", "title", "hint"),
    [(EN, "Page not found", "Check the address"), (ZH, "页面不存在", "请核对地址")],
)
def test_an_unknown_address_gets_the_translated_404_page(client, headers, title, hint):
    response = client.get("/no-such-page/", **headers)
    assert response.status_code == 404
    html = response.content.decode()
    assert title in html
    assert hint in html
    assert response["X-Request-ID"] in html


@pytest.mark.parametrize(("language", "text"), [("en", "Something went wrong"), ("zh-hans", "出错了")])
def test_the_500_page_renders_without_a_request_in_both_languages(language, text):
    with translation.override(language):
        html = render_to_string("500.html")
    assert text in html
    assert "12345" in html


@pytest.mark.django_db
@pytest.mark.parametrize(("headers", "text"), [(EN, "The form has expired"), (ZH, "表单已过期")])
def test_a_form_sent_without_its_csrf_token_gets_the_translated_csrf_page(headers, text):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("web:login"), {"username": "x", "password": "y"}, **headers)
    assert response.status_code == 403
    assert text in response.content.decode()


@pytest.fixture
def calendar_gap(monkeypatch):
    """The deadlines app reports a year without holidays."""
    warning = "2027 begins in 30 days and there are no holidays for it yet."
    monkeypatch.setattr(context_processors, "calendar_warnings", lambda *, today, warn_days: [warning])
    return warning


def test_officials_see_the_staff_warnings_on_workbench_pages(client_for, officer_a, calendar_gap):
    html = client_for(officer_a).get(reverse("web:staff_home"), **EN).content.decode()
    warnings = html.split('<div class="staff-warnings" role="status">', 1)[1].split("</div>", 1)[0]
    assert calendar_gap in warnings


@pytest.mark.django_db
def test_the_public_and_non_officials_never_see_staff_warnings(client, client_for, outsider, calendar_gap):
    assert calendar_gap not in client.get(reverse("web:home")).content.decode()
    assert calendar_gap not in client.get(reverse("web:login")).content.decode()
    assert calendar_gap not in client_for(outsider).get(reverse("web:staff_home")).content.decode()
