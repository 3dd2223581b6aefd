"""The appraisal pages for every persona, in both languages; the report shows the dashboard's figures."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from massline.appraisal import exports, services
from massline.appraisal.models import DemandFact
from massline.org.testing import PERSONAS

from .conftest import at

pytestmark = pytest.mark.django_db
MONTH = "2026-03"


@pytest.fixture
def published(known_month, supervisor):
    services.appraisal_refresh(now=at(days=2))
    services.ruleset_create(
        valid_from=at().date(),
        weights=(30, 35, 35),
        basic_factor="0.9",
        visits="all",
        group_bounds="5,2",
        bottom_n=1,
        by=supervisor,
    )
    ranking = services.ranking_compute(month=at().date(), by=supervisor)
    return services.ranking_publish(ranking=ranking, by=supervisor)


@pytest.mark.parametrize("persona", PERSONAS)
def test_dashboard_for_every_persona(persona, client_for, published):
    client = client_for(persona)
    response = client.get(reverse("appraisal_staff:dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    expected = {
        "anonymous": 302,
        "citizen": 403,
        "outsider": 403,
        "officer_a": 302,  # to the unit's own page
        "officer_b": 302,
        "unit_head_a": 302,
        "dispatcher": 200,
        "supervisor": 200,
        "inspector": 200,
        "admin_user": 200,
    }[persona]
    assert response.status_code == expected


def test_the_dashboard_shows_every_figure_with_its_definition_and_link(client_for, published):
    body = (
        client_for("supervisor")
        .get(reverse("appraisal_staff:dashboard"), HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert "Demands signed for within the time to sign" in body
    assert "85.7 %" in body  # response rate 6/7
    assert "71.4 %" in body  # on time, open overdue included: 5/7
    assert "metric=response_rate" in body


def test_the_dashboard_in_chinese(client_for, published):
    body = (
        client_for("supervisor")
        .get(reverse("appraisal_staff:dashboard"), HTTP_ACCEPT_LANGUAGE="zh-hans")
        .content.decode()
    )
    assert "响应率" in body


def test_unit_page_is_404_outside_the_jurisdiction(client_for, org, published):
    assert (
        client_for("officer_a").get(reverse("appraisal_staff:unit", args=[org.unit_a.pk])).status_code == 200
    )
    assert (
        client_for("officer_a").get(reverse("appraisal_staff:unit", args=[org.unit_b.pk])).status_code == 404
    )


def test_drill_down_lists_the_demands_in_scope(client_for, known_month, published):
    url = reverse("appraisal_staff:demands") + f"?month={MONTH}&dimension=total&key=0&metric=overdue"
    body = client_for("supervisor").get(url).content.decode()
    assert known_month[5].tracking_code in body and known_month[1].tracking_code not in body
    assert known_month[5].tracking_code not in client_for("officer_b").get(url).content.decode()


def test_public_page_shows_the_published_ranking_masked(client, known_month, published):
    body = client.get(reverse("appraisal:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Bureau A" in body and "85.7 %" in body
    drill = client.get(
        reverse("appraisal:demands") + f"?month={MONTH}&metric=overdue", HTTP_ACCEPT_LANGUAGE="en"
    )
    drill = drill.content.decode()
    assert known_month[5].tracking_code not in drill and "Not published at the citizen" in drill
    official = reverse("appraisal:demands") + f"?month={MONTH}&dimension=official&key=1&metric=score"
    assert client.get(official).status_code == 404


def test_public_page_before_any_publication(client, db):
    assert (
        "No monthly ranking"
        in client.get(reverse("appraisal:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )


def test_the_old_public_figures_page_leads_here(client, db):
    assert client.get("/demands/units/")["Location"] == reverse("appraisal:index")


def test_report_xlsx_and_pdf_show_the_dashboards_figures(client_for, published):
    client = client_for("supervisor")
    body = client.get(reverse("appraisal_staff:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    xlsx = client.get(reverse("appraisal_staff:report", args=[MONTH, "xlsx"]), HTTP_ACCEPT_LANGUAGE="en")
    book = load_workbook(io.BytesIO(xlsx.content))
    shown = {row[0]: row[1] for row in book["Figures"].iter_rows(min_row=3, values_only=True)}
    data = exports.report_figures(month=at().date().replace(day=1), user=published.published_by)
    assert shown == {label: value for _k, label, value in data["summary"]}
    for value in shown.values():
        assert value in body  # the very figure the dashboard shows
    pdf = client.get(reverse("appraisal_staff:report", args=[MONTH, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_open_data_is_streamed_and_carries_no_text(client, known_month, published):
    response = client.get(reverse("appraisal:open_demands", args=["csv"]))
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[0] == ",".join(exports.DEMAND_COLUMNS)
    assert len(body.splitlines()) == 1 + DemandFact.objects.count()
    assert "hand-built" not in body and "demand 1" not in body
    figures = b"".join(client.get(reverse("appraisal:open_figures", args=["json"])).streaming_content)
    assert b'"dimension": "official"' not in figures and b'"response_rate"' in figures


def test_rules_form_refuses_weights_not_adding_up(client_for, db):
    response = client_for("supervisor").post(
        reverse("appraisal_staff:rules_create"),
        {
            "valid_from": "2026-05",
            "weight_response": "50",
            "weight_resolution": "30",
            "weight_satisfaction": "30",
            "basic_factor": "0.9",
            "visits": "all",
            "group_bounds": "300,80,20",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400 and "must add up to 100" in response.content.decode()
