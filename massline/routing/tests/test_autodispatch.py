"""Auto-dispatch: a new demand goes to the suggested unit by itself only where the administrators allowed
it for its category and both models clear the threshold; otherwise it waits for a dispatcher."""

import pytest
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from massline.audit.models import AuditEvent
from massline.cases.choices import CaseStatus, CaseType, EventKind
from massline.cases.models import Assignment, CaseEvent
from massline.cases.services import handling
from massline.cases.services.intake import case_submit
from massline.cases.tests.handling_fixtures import MONDAY, make_case
from massline.routing import selectors, services
from massline.routing.autodispatch import case_auto_dispatch
from massline.routing.choices import Target
from massline.routing.models import AutoDispatchRule, Suggestion
from massline.routing.tasks import demand_auto_dispatch

pytestmark = pytest.mark.django_db


@pytest.fixture
def trained(history, admin_user):
    services.model_train(target=Target.CATEGORY)
    services.model_train(target=Target.UNIT)
    history.admin = admin_user
    return history


def _allow(world, category, threshold):
    with override_settings(MASSLINE_ROUTING_THRESHOLD_MIN_SUPPORT=3):
        return services.auto_dispatch_set(category=category, threshold=threshold, by=world.admin)


@override_settings(MASSLINE_ROUTING_THRESHOLD_MIN_SUPPORT=3)
def test_a_confident_suggestion_in_an_allowed_category_is_dispatched_by_the_system(trained):
    _allow(trained, trained.categories["lights"], 0.5)
    case = make_case(
        trained, title="晚上路灯一直不亮", category=trained.categories["lights"], received_at=MONDAY
    )
    done, reason = case_auto_dispatch(case_id=case.pk, now=MONDAY)
    assert reason == "" and done is not None
    case.refresh_from_db()
    assert case.status == CaseStatus.DISPATCHED and case.lead_unit == trained.org.unit_a
    assert Assignment.objects.get(case=case).dispatched_by is None
    event = CaseEvent.objects.get(case=case, kind=EventKind.DISPATCHED)
    assert event.actor is None and event.data["automatic"] is True
    assert event.data["suggestion"]["unit"] == trained.org.unit_a.pk
    assert event.data["suggestion"]["p"] >= 0.5 and event.data["suggestion"]["threshold"] == 0.5
    audit = AuditEvent.objects.get(action="cases.case.dispatched", object_id=str(case.pk))
    assert audit.actor_id is None and audit.details["automatic"] is True
    shown = Suggestion.objects.get(case=case, target=Target.UNIT)
    assert shown.top[0]["id"] == trained.org.unit_a.pk
    # Seen again (the task retried): nothing happens twice.
    assert case_auto_dispatch(case_id=case.pk, now=MONDAY) == (None, "not a new demand")
    assert CaseEvent.objects.filter(case=case, kind=EventKind.DISPATCHED).count() == 1


@override_settings(MASSLINE_ROUTING_THRESHOLD_MIN_SUPPORT=3)
def test_other_categories_and_unconfident_suggestions_stay_with_the_dispatchers(trained):
    _allow(trained, trained.categories["lights"], 0.5)
    noise = make_case(trained, title="夜间施工噪音扰民", category=trained.categories["noise"])
    assert case_auto_dispatch(case_id=noise.pk) == (None, "no auto-dispatch rule for the category")
    noise.refresh_from_db()
    assert noise.status == CaseStatus.RECEIVED and noise.lead_unit is None

    # Words of all three categories at once: no unit is a confident guess.
    lights = make_case(trained, title="噪音 停水 自来水 施工", category=trained.categories["lights"])
    _row, units = selectors.case_predictions(case=lights)[Target.UNIT]
    assert units[0]["p"] < 0.98, units
    above = round(units[0]["p"] + 0.01, 3)
    services.auto_dispatch_clear(category=trained.categories["lights"], by=trained.admin)
    assert case_auto_dispatch(case_id=lights.pk) == (None, "no auto-dispatch rule")
    # A threshold above that confidence (stored directly, as if the backtest had cleared it).
    AutoDispatchRule.objects.create(
        category=trained.categories["lights"],
        threshold=above,
        precision=1.0,
        set_by=trained.admin,
        set_at=MONDAY,
    )
    assert case_auto_dispatch(case_id=lights.pk) == (None, "unit suggestion below the threshold")
    lights.refresh_from_db()
    assert lights.status == CaseStatus.RECEIVED


@override_settings(MASSLINE_ROUTING_THRESHOLD_MIN_SUPPORT=3)
def test_a_demand_a_dispatcher_already_sent_is_left_alone(trained):
    _allow(trained, trained.categories["lights"], 0.5)
    case = make_case(trained, title="路灯不亮", category=trained.categories["lights"])
    handling.case_dispatch(case=case, lead_unit=trained.org.unit_b, by=trained.dispatcher, at=MONDAY)
    assert case_auto_dispatch(case_id=case.pk) == (None, "not a new demand")
    case.refresh_from_db()
    assert case.lead_unit == trained.org.unit_b


@override_settings(MASSLINE_ROUTING_THRESHOLD_MIN_SUPPORT=3)
def _receive(world, category):
    """A demand through intake, the path every channel takes."""
    return case_submit(
        type=CaseType.COMPLAINT,
        title="路灯不亮",
        description="小区门口的路灯坏了一个星期。",
        category=category,
        region=world.org.grid_1,
        received_at=MONDAY,
    )


@override_settings(MASSLINE_ROUTING_THRESHOLD_MIN_SUPPORT=3)
def test_a_new_demand_queues_the_check_only_while_a_rule_exists(trained, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _receive(trained, trained.categories["lights"])
    assert not DBTaskResult.objects.filter(task_path__endswith="demand_auto_dispatch").exists()
    _allow(trained, trained.categories["lights"], 0.5)
    with django_capture_on_commit_callbacks(execute=True):
        case = _receive(trained, trained.categories["lights"])
    queued = DBTaskResult.objects.get(task_path__endswith="demand_auto_dispatch")
    assert queued.args_kwargs["args"] == [case.pk]
    assert demand_auto_dispatch.call(case.pk) == ""
    case.refresh_from_db()
    assert case.status == CaseStatus.DISPATCHED


def test_with_routing_off_nothing_is_queued(trained, django_capture_on_commit_callbacks):
    _allow(trained, trained.categories["lights"], 0.5)
    with override_settings(MASSLINE_ROUTING_ENABLED=False), django_capture_on_commit_callbacks(execute=True):
        _receive(trained, trained.categories["lights"])
    assert not DBTaskResult.objects.exists()
