"""The pages: every persona on the public and staff pages, refusals as 4xx with the translated message."""

import pytest
from django.urls import reverse

from massline.org.testing import OFFICIALS, PERSONAS
from massline.pledges import services
from massline.pledges.choices import Phase, ProjectStatus, Theme
from massline.pledges.models import Ballot, Nomination, Project

from .conftest import advance_to


@pytest.fixture
def delivered(programme, with_candidates, resident, officer_a):
    services.ballot_cast(programme=programme, by=resident, nominations=with_candidates[:2])
    services.results_publish(programme=programme, by=officer_a)
    advance_to(programme, Phase.DELIVERY, officer_a)
    project = Project.objects.order_by("id").first()
    services.update_post(project=project, by=officer_a, text="开工建设", status=ProjectStatus.UNDER_WAY)
    return project


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_persona_reads_the_public_pages(client_for, persona, delivered, programme):
    client = client_for(persona)
    for url in (
        reverse("pledges:list"),
        reverse("pledges:detail", args=[programme.pk]),
        reverse("pledges:nominate", args=[programme.pk]),
        reverse("pledges:project", args=[delivered.pk]),
        reverse("pledges:report", args=[programme.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "13800000000" not in response.content.decode()
    assert client.get(reverse("pledges:report_pdf", args=[programme.pk])).content.startswith(b"%PDF")
    xlsx = client.get(reverse("pledges:report_xlsx", args=[programme.pk]))
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")


def test_contacts_typed_into_a_nomination_never_reach_the_public_page(
    client_for, programme, resident, officer_a
):
    advance_to(programme, Phase.NOMINATION, officer_a)
    services.nomination_submit(
        programme=programme,
        theme=Theme.WATER,
        title="李明家门口的水管",
        description="电话13912345678，请联系。",
        by=resident,
    )
    page = client_for("anonymous").get(reverse("pledges:detail", args=[programme.pk])).content.decode()
    assert "13912345678" not in page and "李明" not in page
    assert "的水管" in page


def test_a_draft_programme_is_not_public(client_for, programme):
    assert client_for("anonymous").get(reverse("pledges:detail", args=[programme.pk])).status_code == 404


def test_the_home_page_links_to_the_current_programme(client_for, programme, officer_a):
    advance_to(programme, Phase.NOMINATION, officer_a)
    client = client_for("anonymous")
    home = client.get("/").content.decode()
    assert reverse("pledges:current") in home
    response = client.get(reverse("pledges:current"))
    assert response.status_code == 302 and response.url == reverse("pledges:detail", args=[programme.pk])


@pytest.mark.parametrize("persona", PERSONAS)
def test_staff_pages_by_persona(client_for, persona, delivered, programme):
    client = client_for(persona)
    detail = client.get(reverse("pledges_staff:detail", args=[programme.pk]))
    project = client.get(reverse("pledges_staff:project", args=[delivered.pk]))
    if persona == "anonymous":
        assert detail.status_code == 302
    elif persona not in OFFICIALS:
        assert detail.status_code == 403
    elif persona in ("officer_a", "unit_head_a", "admin_user", "supervisor", "inspector"):
        assert detail.status_code == 200 and project.status_code == 200
    else:  # officials whose scope does not reach unit A
        assert detail.status_code == 404 and project.status_code == 404


def test_a_read_only_official_cannot_advance_the_phase(client_for, programme, delivered):
    response = client_for("supervisor").post(reverse("pledges_staff:advance", args=[programme.pk]))
    assert response.status_code == 403


def test_a_nomination_without_a_theme_gets_a_translated_refusal(client_for, resident, programme, officer_a):
    advance_to(programme, Phase.NOMINATION, officer_a)
    client = client_for(resident)
    url = reverse("pledges:nominate", args=[programme.pk])
    response = client.post(
        url, {"title": "路灯", "description": "村口装路灯"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400
    assert "请选择提名的主题" in response.content.decode()
    assert not Nomination.objects.exists()
    response = client.post(url, {"theme": Theme.OTHER, "title": "路灯", "description": "村口装路灯"})
    assert response.status_code == 302
    assert Nomination.objects.count() == 1


def test_a_second_public_vote_is_refused_with_400(client_for, resident, programme, with_candidates):
    client = client_for(resident)
    url = reverse("pledges:vote", args=[programme.pk])
    assert client.post(url, {"candidate": [with_candidates[0].pk]}).status_code == 302
    response = client.post(url, {"candidate": [with_candidates[1].pk]})
    assert response.status_code == 400
    assert "您已在本计划中投过票" in response.content.decode()
    assert Ballot.objects.count() == 1


def test_staff_screen_and_publish_through_the_pages(client_for, programme, resident, officer_a, org):
    advance_to(programme, Phase.NOMINATION, officer_a)
    nomination = services.nomination_submit(
        programme=programme, theme=Theme.WATER, title="自来水", description="通水", by=resident
    ).nomination
    advance_to(programme, Phase.SCREENING, officer_a)
    client = client_for(officer_a)
    url = reverse("pledges_staff:screen", args=[programme.pk, nomination.pk])
    prefix = f"screen-{nomination.pk}"
    response = client.post(url, {f"{prefix}-decision": "reject", f"{prefix}-reason": ""}, follow=True)
    assert "reason" in response.content.decode()
    nomination.refresh_from_db()
    assert nomination.status == "submitted"
    client.post(
        url,
        {
            f"{prefix}-decision": "accept",
            f"{prefix}-feasibility": "feasible",
            f"{prefix}-cost": "300000",
            f"{prefix}-owner_unit": org.unit_a.pk,
        },
    )
    nomination.refresh_from_db()
    assert nomination.status == "candidate"
