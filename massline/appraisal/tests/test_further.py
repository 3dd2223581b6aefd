"""Figures of other apps shown through the seam massline.cases.seams.FURTHER_FIGURES: each unit's share
with its Wilson 95 % interval, the counts beside it, the jurisdiction's sums; only public sources on
the public page; with no source registered (pledges and disclosure switched off) the pages still work."""

import pytest
from django.urls import reverse

from massline.cases import seams

pytestmark = pytest.mark.django_db


@pytest.fixture
def sources(org):
    """Two sources of hand-set figures for 2026: a public one and an internal one with a minimum count."""

    def public_read(*, year):
        if year != 2026:
            return []
        return [
            seams.UnitFigure(unit_id=org.unit_a.pk, numerator=3, denominator=4, counts=(5, 2)),
            seams.UnitFigure(unit_id=org.unit_b.pk, numerator=1, denominator=1, counts=(1, 0)),
        ]

    def internal_read(*, year):
        return [seams.UnitFigure(unit_id=org.unit_b.pk, numerator=1, denominator=1, counts=())]

    kept = list(seams.FURTHER_FIGURES)
    seams.FURTHER_FIGURES[:] = []
    seams.further_figures_register(
        seams.FigureSource(
            key="public_test",
            label="Projects rated",
            share_label="Satisfied",
            denominator_label="Ratings",
            definition="Share of satisfied ratings, hand-set for the test.",
            read=public_read,
            count_labels=("Projects", "Delivered"),
        )
    )
    seams.further_figures_register(
        seams.FigureSource(
            key="internal_test",
            label="Internal figure",
            share_label="Done",
            denominator_label="Cases",
            definition="An internal figure, never public.",
            read=internal_read,
            public=False,
            min_count=lambda: 2,
        )
    )
    yield
    seams.FURTHER_FIGURES[:] = kept


def _section(body, key):
    start = body.index(f'data-testid="further-{key}"')
    return body[start : body.index("</section>", start)]


def test_the_unit_page_shows_its_share_with_the_interval_and_the_jurisdictions(client_for, org, sources):
    body = (
        client_for("officer_a")
        .get(
            reverse("appraisal_staff:unit", args=[org.unit_a.pk]) + "?month=2026-03",
            HTTP_ACCEPT_LANGUAGE="en",
        )
        .content.decode()
    )
    part = _section(body, "public_test")
    assert "Projects rated, 2026" in part and "Share of satisfied ratings" in part
    # unit A: 3 of 4 → 75.0 % [30.1 % – 95.4 %]; counts 5 and 2
    assert "75.0 %" in part and "30.1 %" in part and "95.4 %" in part
    assert '<td class="num">5</td><td class="num">2</td>' in part
    # the jurisdiction: 4 of 5 → 80.0 % [37.6 % – 96.4 %], counts 6 and 2
    assert "80.0 %" in part and "37.6 %" in part and "96.4 %" in part
    assert '<td class="num">6</td><td class="num">2</td>' in part
    assert "Bureau B" not in part


def test_the_dashboard_lists_the_units_in_scope_and_a_minimum_count(client_for, org, sources):
    body = (
        client_for("supervisor")
        .get(reverse("appraisal_staff:dashboard"), HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    # the supervisor oversees township 1: unit A, not unit B (whose figure still counts in the total)
    assert "Bureau A" in _section(body, "public_test") and "Bureau B" not in _section(body, "public_test")
    admin = (
        client_for("admin_user")
        .get(reverse("appraisal_staff:dashboard"), HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    internal = _section(admin, "internal_test")
    assert "Bureau B" in internal and "fewer than 2" in internal and "100.0 %" not in internal
    assert "An internal figure, never public." in admin


def test_the_public_page_shows_only_public_sources(client, sources):
    body = client.get(reverse("appraisal:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "further-public_test" in body and "further-internal_test" not in body
    assert "An internal figure" not in body


def test_the_pages_work_without_any_source(client, client_for, org):
    kept = list(seams.FURTHER_FIGURES)
    seams.FURTHER_FIGURES[:] = []
    try:
        for response in (
            client.get(reverse("appraisal:index")),
            client_for("supervisor").get(reverse("appraisal_staff:dashboard")),
            client_for("officer_a").get(reverse("appraisal_staff:unit", args=[org.unit_a.pk])),
        ):
            assert response.status_code == 200
            assert "further-" not in response.content.decode()
    finally:
        seams.FURTHER_FIGURES[:] = kept


def test_a_second_registration_replaces_the_first(sources):
    source = seams.further_figures(public=True)[0]
    seams.further_figures_register(source)
    assert [s.key for s in seams.further_figures()] == ["internal_test", "public_test"]
