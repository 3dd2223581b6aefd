"""The public and workbench navigation: the shell's own links, apps' nav.py declarations, role filters."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html

from massline.org.choices import Role
from massline.web import checks, navigation

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _module(**declarations):
    return SimpleNamespace(**declarations)


def queue_panel(request):
    return format_html('<section class="panel"><h2>{}</h2></section>', "Your queue: 3 to sign")


def nothing_panel(request):
    return None


@pytest.fixture
def app_nav(monkeypatch):
    """Pretend a `cases` app declares links and panels in its nav.py."""
    declared = navigation.collect(
        [
            (
                "cases",
                _module(
                    PUBLIC_LINKS=[
                        {"label": "Track a demand", "url": "web:login", "order": 20},
                        {"label": "Same page twice", "url": "web:home", "order": 30},
                    ],
                    STAFF_LINKS=[
                        {"label": "Work queue", "url": "web:login", "roles": {Role.HANDLER}, "order": 10},
                        {"label": "Supervision", "url": "admin:login", "roles": {Role.SUPERVISOR}},
                    ],
                    STAFF_HOME_PANELS=[queue_panel, nothing_panel],
                ),
            )
        ]
    )
    monkeypatch.setattr(navigation, "app_nav", lambda: declared)
    return declared


def test_collect_gathers_links_and_panels_from_every_module():
    declared = navigation.collect(
        [
            ("a", _module(PUBLIC_LINKS=[{"label": "A", "url": "a:x"}])),
            ("b", _module(STAFF_LINKS=[{"label": "B", "url": "b:y"}], STAFF_HOME_PANELS=[queue_panel])),
            ("c", _module()),
        ]
    )
    assert [x["label"] for x in declared.public_links] == ["A"]
    assert [x["label"] for x in declared.staff_links] == ["B"]
    assert declared.staff_home_panels == (queue_panel,)


@pytest.mark.parametrize(
    ("declarations", "complaint"),
    [
        ({"PUBLIC_LINKS": [{"label": "No url"}]}, "at least label and url"),
        ({"STAFF_LINKS": [{"label": "X", "url": "x:y", "colour": "red"}]}, "unknown keys ['colour']"),
        (
            {"PUBLIC_LINKS": [{"label": "X", "url": "x:y", "roles": {"handler"}}]},
            "public links are for everyone",
        ),
        ({"STAFF_HOME_PANELS": ["not a function"]}, "is not callable"),
    ],
)
def test_collect_refuses_a_malformed_declaration_naming_the_app(declarations, complaint):
    with pytest.raises(ImproperlyConfigured) as error:
        navigation.collect([("cases", _module(**declarations))])
    assert complaint in str(error.value)
    assert "cases.nav" in str(error.value)


def test_the_installed_apps_navigation_passes_the_system_check():
    assert checks.nav_declarations(None) == []


def test_the_system_check_names_a_link_to_a_url_that_does_not_exist(monkeypatch):
    declared = navigation.collect([("cases", _module(STAFF_LINKS=[{"label": "Queue", "url": "cases:nope"}]))])
    monkeypatch.setattr(navigation, "read_app_nav", lambda: declared)
    [error] = checks.nav_declarations(None)
    assert error.id == "web.E002"
    assert "'cases:nope'" in error.msg


def test_the_system_check_reports_a_malformed_nav_module(monkeypatch):
    def broken():
        return navigation.collect([("cases", _module(PUBLIC_LINKS=[{"label": "X"}]))])

    monkeypatch.setattr(navigation, "read_app_nav", broken)
    [error] = checks.nav_declarations(None)
    assert error.id == "web.E001"
    assert "cases.nav.PUBLIC_LINKS" in error.msg


@pytest.mark.django_db
def test_app_public_links_appear_in_the_public_header_in_order(client, app_nav):
    html = client.get(reverse("web:home"), **EN).content.decode()
    nav = html.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
    # One link per address: "Same page twice" points at the home page, which the shell already links.
    assert nav.count("<li>") == 2
    assert nav.index('aria-current="page">Home</a>') < nav.index('<a href="/staff/login/">Track a demand</a>')
    assert "Same page twice" not in nav


def test_staff_links_are_filtered_by_role(rf_user, app_nav, officer_a):
    links = navigation.staff_links(rf_user(officer_a, "/staff/"))
    labels = [str(link.label) for link in links]
    assert labels[:2] == ["Workbench", "Work queue"]
    assert "Supervision" not in labels
    assert links[0].current is True
    assert "Administration" not in labels


def test_an_administrator_sees_every_staff_link(rf_user, app_nav, admin_user):
    labels = [str(link.label) for link in navigation.staff_links(rf_user(admin_user, "/staff/"))]
    assert {"Work queue", "Supervision", "Administration"} <= set(labels)


def test_the_staff_home_shows_app_panels_and_skips_empty_ones(client_for, officer_a, app_nav):
    html = client_for(officer_a).get(reverse("web:staff_home"), **EN).content.decode()
    assert html.count('<section class="panel">') == 1
    assert "Your queue: 3 to sign" in html
    assert '<a href="/staff/login/">Work queue</a>' in html


def test_the_workbench_header_links_the_official_to_their_pages(client_for, officer_a):
    html = client_for(officer_a).get(reverse("web:staff_home"), **EN).content.decode()
    nav = html.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
    assert f'<a href="{reverse("web:staff_home")}" aria-current="page">Workbench</a>' in nav
    assert f'<a href="{reverse("org:unit_list")}">Units</a>' in nav


@pytest.fixture
def rf_user():
    def make(user, path):
        request = RequestFactory().get(path)
        request.user = user
        return request

    return make


@pytest.mark.django_db
def test_an_exclusive_link_is_hidden_from_administrators_too(rf_user, admin_user, inspector):
    # The tip-offs' pages refuse administrators, so their link is not shown to them either.
    with translation.override("en"):
        admin = [str(link.label) for link in navigation.staff_links(rf_user(admin_user, "/staff/"))]
        readers = [str(link.label) for link in navigation.staff_links(rf_user(inspector, "/staff/"))]
    assert "Tip-offs" not in admin
    assert "Tip-offs" in readers
