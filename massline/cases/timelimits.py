"""Which time-limit policy applies to a demand, and its due times on the working calendar."""

from django.utils.translation import gettext as _

from massline.deadlines.calendar import add_counted_time, due_at, working_time_between
from massline.deadlines.choices import TimeUnit

from .choices import ClockStage, Urgency
from .errors import NoPolicy
from .models import TimeLimitPolicy


def policy_for(*, category, urgency, policies=None):
    """The policy of the nearest category up the tree that has one for `urgency`, else the default one.

    `policies`: every policy, read once by the caller (schedule.PolicyBook), to save a query.
    """
    codes = [code for code in (category.path.strip("/").split("/") if category else []) if code]
    if policies is None:
        policies = TimeLimitPolicy.objects.filter(urgency=urgency).select_related("category")
    policies = {
        (p.category.code if p.category_id else None): p
        for p in policies
        if p.urgency == urgency and (p.category_id is None or p.category.code in codes)
    }
    for code in reversed(codes):
        if code in policies:
            return policies[code]
    if None in policies:
        return policies[None]
    raise NoPolicy(
        _(
            "No time limit is set for “%(urgency)s” demands: an administrator must add a default policy "
            "(Demands › Time-limit policies)."
        )
        % {"urgency": Urgency(urgency).label}
    )


def stage_due(*, policy, stage, start):
    amount, unit = {
        ClockStage.DISPATCH: (policy.dispatch_amount, policy.dispatch_unit),
        ClockStage.ARBITRATE: (policy.arbitration_amount, policy.arbitration_unit),
        ClockStage.SIGN: (policy.sign_amount, policy.sign_unit),
        ClockStage.CONTACT: (policy.contact_amount, policy.contact_unit),
        ClockStage.REPLY: (policy.reply_amount, policy.reply_unit),
    }[stage]
    return due_at(start, amount, unit)


def warning_times(*, start, due, shares, unit=TimeUnit.WORKING_HOURS):
    """The instants at which each share (0.5, 0.8 …) of the counted time from `start` to `due` is used.

    Shares are of working time for working units, so a warning at 50 % never lands in a night or holiday.
    """
    span = working_time_between(start, due, unit)
    return [add_counted_time(start, span * share, unit) for share in shares]
