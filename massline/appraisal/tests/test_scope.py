"""Who sees which units' figures (docs/appraisal.md, "Who sees what"), and the monthly report limited to the
requesting user's jurisdiction: a unit head gets their unit's, the centre and the administrators all."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from massline.appraisal import selectors, services

from .conftest import at

pytestmark = pytest.mark.django_db
MONTH = "2026-03"


class _Personas:
    def __init__(self, request):
        self.request = request

    def __getitem__(self, name):
        return self.request.getfixturevalue(name)


@pytest.fixture
def personas(request):
    return _Personas(request)


@pytest.fixture
def two_units(org, known_month, make_demand, supervisor):
    """The known month of unit A (ten demands) and two demands of unit B in township 2, both signed late."""
    for _n in range(2):
        make_demand(
            org.unit_b,
            region=org.village_2,
            dispatched_at=at(),
            due_sign_at=at(hours=2),
            signed_at=at(hours=4),
        )
    services.appraisal_refresh(now=at(days=2))
    services.ruleset_create(
        valid_from=at().date(),
        weights=(30, 35, 35),
        basic_factor="0.9",
        visits="all",
        group_bounds="5,1",
        bottom_n=1,
        by=supervisor,
    )
    ranking = services.ranking_compute(month=at().date(), by=supervisor)
    return services.ranking_publish(ranking=ranking, by=supervisor)


@pytest.mark.parametrize(
    ("persona", "units"),
    [
        ("officer_a", {"unit_a"}),
        ("unit_head_a", {"unit_a"}),
        ("officer_b", {"unit_b"}),
        # The centre answers for every unit serving the regions it serves (the whole county).
        ("dispatcher", {"centre", "unit_a", "unit_b", "township_gov_1"}),
        ("supervisor", {"unit_a", "township_gov_1"}),
        ("inspector", {"centre", "unit_a", "unit_b", "township_gov_1"}),
        ("admin_user", {"centre", "unit_a", "unit_b", "township_gov_1"}),
    ],
)
def test_each_persona_sees_the_units_of_their_jurisdiction(persona, units, org, personas):
    user = personas[persona]
    assert selectors.visible_unit_ids(user) == {getattr(org, name).pk for name in units}


def test_the_dispatcher_opens_every_units_page(client_for, org, two_units):
    client = client_for("dispatcher")
    for unit in (org.unit_a, org.unit_b):
        assert client.get(reverse("appraisal_staff:unit", args=[unit.pk])).status_code == 200


def ranking_sheet(client):
    response = client.get(reverse("appraisal_staff:report", args=[MONTH, "xlsx"]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    units = [row[0] for row in book["Ranking"].iter_rows(min_row=2, values_only=True)]
    figures = {row[0]: row[1] for row in book["Figures"].iter_rows(min_row=3, values_only=True)}
    return units, figures


def test_a_unit_head_gets_only_their_units_report(client_for, two_units):
    units, figures = ranking_sheet(client_for("unit_head_a"))
    assert units == ["Bureau A"]
    # Unit A alone: 6 of 7 signed on time; the whole county would be 6 of 9.
    assert figures["Response rate"] == "85.7 %"


def test_the_centre_gets_every_units_report(client_for, two_units):
    units, figures = ranking_sheet(client_for("dispatcher"))
    assert sorted(units) == ["Bureau A", "Bureau B"]
    assert figures["Response rate"] == "66.7 %"  # 6 of 9


def test_a_supervisor_over_one_township_gets_its_units(client_for, two_units):
    units, figures = ranking_sheet(client_for("supervisor"))
    assert units == ["Bureau A"]
    assert figures["Response rate"] == "85.7 %"


@pytest.mark.parametrize(("persona", "status"), [("officer_a", 403), ("citizen", 403), ("anonymous", 302)])
def test_others_get_no_report(persona, status, client_for, two_units):
    for fmt in ("xlsx", "pdf"):
        response = client_for(persona).get(reverse("appraisal_staff:report", args=[MONTH, fmt]))
        assert response.status_code == status


def test_the_unit_heads_pdf_opens(client_for, two_units):
    response = client_for("unit_head_a").get(reverse("appraisal_staff:report", args=[MONTH, "pdf"]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_a_handler_sees_only_their_own_line_among_the_officials(client_for, org, two_units, personas):
    # officer_a handles demand 1; the unit head sees every official of the unit.
    from massline.appraisal.models import DemandFact
    from massline.cases.models import Case

    Case.objects.filter(lead_unit=org.unit_a).update(handler=personas["unit_head_a"])
    Case.objects.filter(pk=Case.objects.filter(lead_unit=org.unit_a).order_by("pk")[0].pk).update(
        handler=personas["officer_a"]
    )
    services.appraisal_refresh(now=at(days=2))
    assert DemandFact.objects.filter(official=personas["officer_a"]).count() == 1
    url = reverse("appraisal_staff:unit", args=[org.unit_a.pk]) + f"?month={MONTH}"
    head = client_for("unit_head_a").get(url).content.decode()
    officer = client_for("officer_a").get(url).content.decode()
    assert "王芳" in head and "陈主任" in head
    assert "王芳" in officer and "陈主任" not in officer
