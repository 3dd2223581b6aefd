"""Training and promoting models, what is recorded of suggestions, auto-dispatch thresholds, the seam."""

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from massline.cases import routing_seam
from massline.cases.models import Case
from massline.cases.services import handling
from massline.cases.tests.handling_fixtures import MONDAY, make_case
from massline.lib.errors import DomainError
from massline.routing import selectors, services
from massline.routing.choices import ModelStatus, Target
from massline.routing.models import RoutingModel, Suggestion

pytestmark = pytest.mark.django_db


def test_too_little_history_trains_nothing_and_says_so(world):
    make_case(world)
    with pytest.raises(DomainError, match="Too little history"):
        services.model_train(target=Target.CATEGORY)
    assert not RoutingModel.objects.exists()


def test_a_trained_model_goes_live_and_suggests_the_category_and_unit(history):
    model = services.model_train(target=Target.CATEGORY)
    assert model.status == ModelStatus.LIVE and model.version == 1
    assert model.n_train == 72 and model.n_holdout == 18 and model.macro_f1 > 0.8
    services.model_train(target=Target.UNIT)
    case = make_case(history, title="路灯不亮了", category=None)
    predictions = selectors.case_predictions(case=case)
    _row, categories = predictions[Target.CATEGORY]
    _row, units = predictions[Target.UNIT]
    assert categories[0]["obj"] == history.categories["lights"] and len(categories) == 3
    assert units[0]["obj"] == history.org.unit_a
    assert 0 < categories[0]["p"] <= 1 and categories[0]["p"] >= categories[1]["p"]


def test_a_new_model_replaces_the_live_one_only_when_not_worse(history):
    first = services.model_train(target=Target.CATEGORY)
    second = services.model_train(target=Target.CATEGORY)
    first.refresh_from_db()
    assert second.status == ModelStatus.LIVE and first.status == ModelStatus.RETIRED
    with override_settings(MASSLINE_ROUTING_PROMOTE_TOLERANCE=-0.5):  # must be 0.5 better: impossible
        third = services.model_train(target=Target.CATEGORY)
    second.refresh_from_db()
    assert third.status == ModelStatus.REJECTED and "Not promoted" in third.note
    assert second.status == ModelStatus.LIVE


def test_the_train_command_reports_each_model(history):
    import io
    import json

    out = io.StringIO()
    call_command("routing", "train", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert [r["target"] for r in rows] == ["category", "unit"] and all(r["trained"] for r in rows)


def test_the_train_command_fails_clearly_without_history(world):
    with pytest.raises(CommandError, match="No model was trained"):
        call_command("routing", "train")


def test_suggestions_are_recorded_with_the_choice_and_the_return(history):
    services.model_train(target=Target.CATEGORY)
    services.model_train(target=Target.UNIT)
    case = make_case(history, title="路灯坏了", category=history.categories["lights"])
    shown = routing_seam.suggestions(case=case, user=history.dispatcher)
    assert shown["categories"][0]["obj"] == history.categories["lights"]
    routing_seam.suggestions(case=case, user=history.dispatcher)  # shown again: one row per target
    assert Suggestion.objects.filter(case=case).count() == 2
    handling.case_dispatch(case=case, lead_unit=history.org.unit_b, by=history.dispatcher, at=MONDAY)
    handling.case_return(
        case=case, unit=history.org.unit_b, reason="not_our_area", note="不归我们", by=history.officer_b
    )
    assert services.suggestion_outcomes_update() == 2
    unit_row = Suggestion.objects.get(case=case, target=Target.UNIT)
    assert unit_row.chosen_id == history.org.unit_b.pk and unit_row.accepted is False and unit_row.returned


def test_the_threshold_is_refused_where_the_backtest_precision_does_not_clear_it(history, admin_user):
    with pytest.raises(DomainError, match="no live category model"):
        services.auto_dispatch_set(category=history.category, threshold=0.9, by=admin_user)
    services.model_train(target=Target.CATEGORY)
    with pytest.raises(DomainError, match="Not allowed"):  # 6 held-back demands per category: too few
        services.auto_dispatch_set(category=history.category, threshold=0.6, by=admin_user)
    with override_settings(MASSLINE_ROUTING_THRESHOLD_MIN_SUPPORT=3):
        model = RoutingModel.objects.get(status=ModelStatus.LIVE)
        precision, support = model.precision_above(history.category.pk, 0.5)
        assert support >= 3 and precision == 1.0
        rule = services.auto_dispatch_set(category=history.category, threshold=0.5, by=admin_user)
        assert rule.precision == 1.0
        with pytest.raises(DomainError, match="between 0.5 and 0.99"):
            services.auto_dispatch_set(category=history.category, threshold=1.5, by=admin_user)
    services.auto_dispatch_clear(category=history.category, by=admin_user)
    with pytest.raises(DomainError, match="not on"):
        services.auto_dispatch_clear(category=history.category, by=admin_user)


def test_with_routing_off_cases_keeps_its_own_rules(history):
    services.model_train(target=Target.UNIT)
    case = make_case(history, title="夜间施工噪音扰民", category=history.category)
    assert (
        routing_seam.suggest_unit(category=case.category, region=case.region, case=case) == history.org.unit_b
    )
    with override_settings(MASSLINE_ROUTING_ENABLED=False):
        # The category tree: street lights are led by unit A.
        assert (
            routing_seam.suggest_unit(category=case.category, region=case.region, case=case)
            == history.org.unit_a
        )
        assert routing_seam.suggestions(case=case, user=history.dispatcher) is None
        assert routing_seam.duplicates(case=case, user=history.dispatcher) == []


def test_without_a_model_the_unit_comes_from_the_category_rules(history):
    case = make_case(history, title="夜间施工噪音扰民")
    assert (
        routing_seam.suggest_unit(category=case.category, region=case.region, case=case) == history.org.unit_a
    )
    assert routing_seam.suggestions(case=case, user=history.dispatcher)["trained"] is False


def test_the_worker_round_indexes_records_and_trains_when_due(history):
    from massline.routing.tasks import routing_round

    assert routing_round() >= 90 + 2
    assert RoutingModel.objects.filter(status=ModelStatus.LIVE).count() == 2
    assert not services.training_due(target=Target.CATEGORY)
    assert Case.objects.count() == 90


def test_a_live_model_of_an_earlier_version_is_not_used_and_the_next_training_replaces_it(history):
    import pickle

    from massline.routing.textmodel import TextClassifier

    old = RoutingModel.objects.create(
        target=Target.CATEGORY,
        version=1,
        status=ModelStatus.LIVE,
        kind="earlier",
        trained_at=MONDAY,
        n_train=1,
        n_holdout=1,
        macro_f1=1.0,
        accuracy=1.0,
        top3_accuracy=1.0,
        fit_seconds=0,
        per_label={},
        holdout=[],
        blob=pickle.dumps(TextClassifier()),  # fitted by no version of today's code: no coefficients
    )
    assert selectors.predict(target=Target.CATEGORY, title="路灯不亮", description="") == (None, [])
    new = services.model_train(target=Target.CATEGORY)
    old.refresh_from_db()
    assert new.status == ModelStatus.LIVE and old.status == ModelStatus.RETIRED
    _row, top = selectors.predict(target=Target.CATEGORY, title="路灯不亮", description="")
    assert top[0]["obj"] == history.categories["lights"]
