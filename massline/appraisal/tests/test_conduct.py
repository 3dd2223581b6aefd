"""The citizen's one-time rating of the handling official's conduct, on the tracking page."""

import pytest
from django.urls import reverse

from massline.appraisal import services
from massline.appraisal.models import ConductRating
from massline.lib.errors import DomainError

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def handled(make_demand, officer_a):
    return make_demand(
        handler=officer_a, replied_at=at(hours=3), status="replied", reply="Fixed.", due_reply_at=at(days=7)
    )


def test_the_tracking_page_offers_the_rating_once(client, handled, officer_a):
    track = reverse("cases_public:track", args=[handled.tracking_code])
    page = client.get(track, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Rate the official who handled your demand" in page and officer_a.display_name not in page
    url = reverse("appraisal:conduct", args=[handled.tracking_code])
    response = client.post(url, {"attitude": "3", "efficiency": "2", "honesty": "3"})
    assert response.status_code == 302
    rating = ConductRating.objects.get(case=handled)
    assert (rating.official, rating.attitude, rating.efficiency, rating.honesty) == (officer_a, 3, 2, 3)
    assert "Rate the official" not in client.get(track, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.post(url, {"attitude": "1", "efficiency": "1", "honesty": "1"})
    assert ConductRating.objects.get(case=handled).attitude == 3


def test_an_unanswered_demand_and_missing_answers_are_refused(make_demand, officer_a, handled):
    with pytest.raises(DomainError):
        services.conduct_rate(case=make_demand(handler=officer_a), attitude=3, efficiency=3, honesty=3)
    with pytest.raises(DomainError):
        services.conduct_rate(case=handled, attitude=3, efficiency="", honesty=9)


def test_the_unit_page_shows_the_officials_record(client_for, org, handled, officer_a):
    services.conduct_rate(case=handled, attitude=3, efficiency=2, honesty=3)
    services.appraisal_refresh(now=at(days=1))
    body = (
        client_for("unit_head_a").get(reverse("appraisal_staff:unit", args=[org.unit_a.pk])).content.decode()
    )
    assert officer_a.display_name in body and "3.0 / 2.0 / 3.0" in body
