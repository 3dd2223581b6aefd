"""The overdue ladder of disclosure requests, as demands climb it (督办): reminder to the handlers at the
due time, the unit head one working day later, the supervisor the next, the supervisor's accountability
decision the next; run by the worker, once per rung, across National Day and the year end (freezegun);
the January reminder that last year's annual report is due; the figures appraisal reads."""

import pytest
from django.urls import reverse
from freezegun import freeze_time

from massline.audit.models import AuditEvent
from massline.cases.choices import AccountabilityDecision, AccountabilityKind
from massline.cases.models import AccountabilityRecord
from massline.disclosure import services, stats
from massline.disclosure.choices import AnswerType, EscalationLevel
from massline.disclosure.models import DisclosureRequest, Escalation, ReportReminder
from massline.lib import worker
from massline.lib.errors import DomainError, PermissionDenied
from massline.org.choices import Role
from massline.org.services import user_update
from massline.outbox.models import Message

from .conftest import local, shown

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(org, officer_a, unit_head_a, supervisor, officer_b, make_official):
    """The officials with e-mail addresses (the outbox needs one), and a supervisor of township 2 only."""
    reverse(
        "disclosure:statistics"
    )  # load the URLconf before freezegun: the API's schemas refuse FakeDatetime
    people = {
        "officer_a": officer_a,
        "unit_head_a": unit_head_a,
        "supervisor": supervisor,
        "officer_b": officer_b,
    }
    people["supervisor_2"] = make_official("supervisor_2", Role.SUPERVISOR, region=org.township_2)
    people["centre_head"] = make_official("centre_head", Role.UNIT_HEAD, unit=org.centre)
    for name, user in people.items():
        user_update(user=user, changes={"email": f"{name}@example.gov.cn"}, by=None)
    return people


def tick(at):
    with freeze_time(at):
        return services.disclosure_tick()


def submit(make_request, at, **kwargs):
    with freeze_time(at):
        return make_request(received_at=at, **kwargs)


def recipients(key_part):
    return sorted(m.to.split("@")[0] for m in Message.objects.filter(key__contains=key_part))


def test_the_ladder_climbs_one_rung_a_working_day_across_national_day(make_request, staff):
    # Received Wed 2 Sep 2026 10:00: 20 working days (Sun 20 Sep a make-up day, Fri 25 Sep Mid-Autumn
    # off) end Wed 30 Sep 17:30. Then 1-7 October are off: the unit head is warned one working day (7
    # working hours) later, Thu 8 Oct 17:30; the supervisor Fri 9 Oct 17:30; the accountability decision is
    # asked Sat 10 Oct 17:30 (a make-up working day).
    request = submit(make_request, local(2026, 9, 2, 10))
    code = request.tracking_code
    assert shown(request.clock.due_at) == "2026-09-30 17:30"
    assert [shown(services.rung_time(request.clock.due_at, level)) for level in (1, 2, 3, 4)] == [
        "2026-09-30 17:30",
        "2026-10-08 17:30",
        "2026-10-09 17:30",
        "2026-10-10 17:30",
    ]
    assert tick(local(2026, 9, 30, 17, 29))["overdue"] == 0
    assert tick(local(2026, 9, 30, 17, 31))["overdue"] == 1
    assert tick(local(2026, 9, 30, 17, 32))["overdue"] == 0  # never twice
    assert recipients(f"{code}:overdue") == ["officer_a", "unit_head_a"]
    assert tick(local(2026, 10, 7, 17, 31))["escalated"] == 0  # National Day: no working day passed
    assert tick(local(2026, 10, 8, 17, 29))["escalated"] == 0
    assert tick(local(2026, 10, 8, 17, 31))["escalated"] == 1
    assert recipients(f"{code}:rung2") == ["unit_head_a"]
    assert tick(local(2026, 10, 9, 17, 31))["escalated"] == 1
    assert recipients(f"{code}:rung3") == ["supervisor"]  # over township 1, which unit A serves
    assert tick(local(2026, 10, 10, 17, 31))["escalated"] == 1
    assert recipients(f"{code}:rung4") == ["supervisor"]
    assert tick(local(2026, 10, 12, 17, 31))["escalated"] == 0  # the top rung waits for the decision
    request.refresh_from_db()
    assert request.escalation_level == EscalationLevel.ACCOUNTABLE
    assert shown(request.overdue_at) == "2026-09-30 17:31"
    assert [(e.level, shown(e.at)) for e in Escalation.objects.filter(request=request)] == [
        (1, "2026-09-30 17:31"),
        (2, "2026-10-08 17:31"),
        (3, "2026-10-09 17:31"),
        (4, "2026-10-10 17:31"),
    ]
    actions = list(
        AuditEvent.objects.filter(action__startswith="disclosure.request.").values_list("action", flat=True)
    )
    assert actions.count("disclosure.request.overdue") == 1
    assert actions.count("disclosure.request.escalate") == 3
    assert recipients(f"{code}:warning") == ["officer_a"]  # at 75 % of the time, before the due time
    # the applicant's acknowledgement, the warning, two reminders and one message per higher rung
    assert Message.objects.filter(about=code).count() == 1 + 1 + 2 + 3


def test_a_worker_that_was_down_climbs_every_passed_rung_at_the_year_end(make_request, staff):
    # Received Thu 3 Dec 2026 10:00: due Thu 31 Dec 17:30. New Year's Day (Fri 1 Jan 2027) and the
    # weekend are off, so the unit head's rung falls on Mon 4 Jan 17:30, the supervisor's on Tue 5 Jan,
    # the decision on Wed 6 Jan. A worker first running on Wed 6 Jan 17:31 climbs all four at once.
    request = submit(make_request, local(2026, 12, 3, 10))
    assert shown(request.clock.due_at) == "2026-12-31 17:30"
    assert tick(local(2027, 1, 4, 17, 0)) == {
        "warned": 0,
        "overdue": 1,
        "escalated": 0,
        "lapsed": 0,
        "report_reminders": 1,  # the first working day of January: unit A is reminded of its 2026 report
    }
    assert tick(local(2027, 1, 6, 17, 31))["escalated"] == 3
    assert [shown(services.rung_time(request.clock.due_at, level)) for level in (2, 3, 4)] == [
        "2027-01-04 17:30",
        "2027-01-05 17:30",
        "2027-01-06 17:30",
    ]
    assert list(Escalation.objects.filter(request=request).values_list("level", flat=True)) == [1, 2, 3, 4]


def test_a_second_worker_holding_a_stale_row_does_not_climb_again(make_request, staff):
    request = submit(make_request, local(2026, 9, 2, 10))
    stale = DisclosureRequest.objects.select_related("clock", "unit").get(pk=request.pk)
    tick(local(2026, 10, 8, 17, 31))
    assert services._climb(stale, local(2026, 10, 8, 17, 32)) == 0
    assert Escalation.objects.filter(request=request).count() == 2
    assert recipients(f"{request.tracking_code}:overdue") == ["officer_a", "unit_head_a"]


def test_an_answer_stops_the_ladder(make_request, staff):
    request = submit(make_request, local(2026, 9, 2, 10))
    tick(local(2026, 9, 30, 17, 31))
    with freeze_time(local(2026, 10, 8, 9)):
        services.request_answer(
            request=request, answer_type=AnswerType.DISCLOSED, text="Attached.", by=staff["officer_a"]
        )
    assert tick(local(2026, 10, 12, 17, 31))["escalated"] == 0
    request.refresh_from_db()
    assert request.escalation_level == EscalationLevel.REMINDED and request.on_time is False


def test_the_supervisor_decides_the_accountability_once(make_request, staff, org):
    request = submit(make_request, local(2026, 9, 2, 10))
    early = submit(make_request, local(2026, 9, 2, 11))
    tick(local(2026, 10, 9, 17, 40))  # both listed for the supervisor, not yet at the decision
    with freeze_time(local(2026, 10, 9, 17, 45)), pytest.raises(DomainError, match="whole overdue ladder"):
        services.request_accountability_decide(
            request=early, decision=AccountabilityDecision.REMINDED, note="x", by=staff["supervisor"]
        )
    tick(local(2026, 10, 10, 17, 40))
    with freeze_time(local(2026, 10, 12, 10)):
        for user in (staff["officer_a"], staff["unit_head_a"], staff["supervisor_2"]):
            with pytest.raises(PermissionDenied):
                services.request_accountability_decide(
                    request=request, decision=AccountabilityDecision.CRITICISED, note="Late.", by=user
                )
        with pytest.raises(services.RequestRefused) as refused:
            services.request_accountability_decide(
                request=request, decision=AccountabilityDecision.PENDING, note="Late.", by=staff["supervisor"]
            )
        assert refused.value.field == "decision"
        with pytest.raises(services.RequestRefused) as refused:
            services.request_accountability_decide(
                request=request, decision=AccountabilityDecision.CRITICISED, note=" ", by=staff["supervisor"]
            )
        assert refused.value.field == "note"
        assert AccountabilityRecord.objects.count() == 0
        services.request_accountability_decide(
            request=request,
            decision=AccountabilityDecision.CRITICISED,
            note="Eight working days late without an extension.",
            by=staff["supervisor"],
        )
        with pytest.raises(DomainError, match="already decided"):
            services.request_accountability_decide(
                request=request, decision=AccountabilityDecision.EXCUSED, note="x", by=staff["supervisor"]
            )
    record = AccountabilityRecord.objects.get()
    assert (record.case, record.unit, record.kind, record.decision, record.decided_by) == (
        None,
        org.unit_a,
        AccountabilityKind.LATE_REPLY,
        AccountabilityDecision.CRITICISED,
        staff["supervisor"],
    )
    assert request.tracking_code in record.description and "2026-09-30 17:30" in record.description
    request.refresh_from_db()
    assert request.accountability_record == record


def test_the_supervision_list_and_the_decision_form(make_request, staff, client_for):
    request = submit(make_request, local(2026, 9, 2, 10))
    tick(local(2026, 10, 10, 17, 40))
    url = reverse("disclosure_staff:list") + "?listed=1"
    body = client_for(staff["supervisor"]).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert request.tracking_code in body and "Awaiting the supervisor" in body
    assert request.tracking_code not in client_for(staff["officer_b"]).get(url).content.decode()
    detail = reverse("disclosure_staff:detail", args=[request.pk])
    page = client_for(staff["supervisor"]).get(detail, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="step-accountability"' in page and "督办记录" in page and "对该机关作出问责决定" in page
    step = reverse("disclosure_staff:step", args=[request.pk, "accountability"])
    data = {"accountability-decision": "criticised", "accountability-note": "Late."}
    assert client_for(staff["officer_a"]).post(step, data).status_code == 403
    bad = client_for(staff["supervisor"]).post(
        step, {**data, "accountability-note": ""}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert bad.status_code == 400 and "Fill in the reason for the decision" in bad.content.decode()
    assert AccountabilityRecord.objects.count() == 0
    assert client_for(staff["supervisor"]).post(step, data).status_code == 302
    page = client_for(staff["supervisor"]).get(detail, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="accountability"' in page and 'id="step-accountability"' not in page


# --- the annual report's reminder --------------------------------------------------------------------------


def test_the_annual_report_reminder_goes_out_once_on_the_first_working_day_of_january(
    make_request, staff, org, settings
):
    settings.MASSLINE_PUBLIC_URL = "https://12345.example.gov.cn"
    submit(make_request, local(2026, 3, 2, 10))
    submit(make_request, local(2026, 6, 1, 10), unit=org.unit_b)
    submit(make_request, local(2025, 6, 2, 10), unit=org.unit_b)  # 2025's report, reminded a year ago
    run = worker.jobs()["disclosure"].run  # the worker's job, as `massline worker` calls it
    for at in (local(2026, 12, 31, 10), local(2027, 1, 1, 10), local(2027, 1, 4, 8, 59)):
        with freeze_time(at):
            assert run()["report_reminders"] == 0  # not January; New Year's Day; before 9:00
    with freeze_time(local(2027, 1, 4, 9, 0)):
        assert run()["report_reminders"] == 2
    with freeze_time(local(2027, 1, 5, 9, 0)):
        assert run()["report_reminders"] == 0
    assert list(ReportReminder.objects.values_list("year", "agencies")) == [(2026, 2)]
    assert recipients("report2026") == ["centre_head", "officer_a", "officer_b", "unit_head_a"]
    letter = Message.objects.get(key=f"disclosure:report2026:{org.unit_a.pk}:{staff['officer_a'].pk}")
    assert "2027-01-31" in letter.subject
    assert "https://12345.example.gov.cn/disclosure/statistics/?year=2026" in letter.text
    assert AuditEvent.objects.filter(action="disclosure.report.remind").count() == 1


# --- the figures appraisal reads -------------------------------------------------------------------------


def test_the_agencys_on_time_share_reaches_appraisal(make_request, staff, org, client_for):
    # Unit A: five requests answered in 2026, four on time (the fifth after its due time) → 4 of 5,
    # 80.0 % [37.6 %, 96.4 %]; one more still pending: six received.
    for day in (1, 2, 3, 4, 5):
        request = submit(make_request, local(2026, 6, day, 10))
        with freeze_time(local(2026, 6, 20, 10) if day < 5 else local(2026, 8, 3, 10)):
            services.request_answer(
                request=request, answer_type=AnswerType.NOT_HELD, text="Not held.", by=staff["officer_a"]
            )
    submit(make_request, local(2026, 11, 2, 10))
    [figure] = stats.FIGURE_SOURCE.read(year=2026)
    assert (figure.unit_id, figure.numerator, figure.denominator, figure.counts) == (
        org.unit_a.pk,
        4,
        5,
        (6, 1),
    )
    url = reverse("appraisal_staff:unit", args=[org.unit_a.pk]) + "?month=2026-06"
    body = client_for(staff["officer_a"]).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    part = body[body.index('data-testid="further-disclosure"') :]
    part = part[: part.index("</section>")]
    assert "80.0 %" in part and "37.6 %" in part and "96.4 %" in part
    public = client_for("anonymous").get(reverse("appraisal:index") + "?month=2026-06").content.decode()
    assert 'data-testid="further-disclosure"' in public


def test_a_due_time_in_a_year_without_its_holiday_notice_is_shown_provisional(make_request, client):
    # The tests know 2026 and 2027; a request of 15 Dec 2027 runs into 2028, counted on the statutory
    # holidays until 2028's notice is entered.
    reverse("disclosure:statistics")
    known = submit(make_request, local(2027, 11, 1, 10))
    later = submit(make_request, local(2027, 12, 15, 10))
    assert not known.due_provisional and later.due_provisional
    with freeze_time(local(2027, 12, 15, 11)):
        page = client.get(reverse("disclosure:track", args=[later.tracking_code]), HTTP_ACCEPT_LANGUAGE="en")
    assert 'data-testid="due-provisional"' in page.content.decode()
