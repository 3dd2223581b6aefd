"""Every write of the pledges app: keyword-only, one transaction each, one audit event each.

A refusal raises DomainError with a translated message that says what to do instead.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from massline.audit.services import audit_record
from massline.cases.selectors_public import case_for_code
from massline.deadlines import calendar as workcal
from massline.deadlines import services as clocks
from massline.deadlines.choices import ClockState, TimeUnit
from massline.deadlines.selectors import clock_share_used
from massline.lib.errors import DomainError, PermissionDenied
from massline.lib.uploads import IMAGES, check_upload
from massline.org.choices import Role
from massline.org.models import Membership

from . import conf, winners
from .choices import (
    CYCLE,
    BallotKind,
    Decider,
    EscalationLevel,
    Feasibility,
    NominationStatus,
    NominatorKind,
    OverrideAction,
    Phase,
    ProjectStatus,
    Satisfaction,
    Theme,
    WinnerMethod,
)
from .models import (
    Ballot,
    DeputySession,
    Escalation,
    Follower,
    Milestone,
    Nomination,
    Nominator,
    Override,
    PhaseWindow,
    Programme,
    Project,
    Rating,
    Update,
)
from .notify import message_send
from .selectors import can_deliver, can_manage, public_text

# --- helpers ----------------------------------------------------------------------------------------


def _require_manager(by, unit):
    if by is None or not can_manage(by, unit):
        raise PermissionDenied(
            _(
                "Only a handler or the head of the organising unit may do this: ask them, "
                "or your administrator for the role."
            )
        )


def _text(value, *, what, max_length=None, required=True):
    text = (value or "").strip()
    max_length = max_length or conf.text_max_length()
    if required and not text:
        raise DomainError(_("Write the %(what)s first: it cannot be empty.") % {"what": what}, code="empty")
    if len(text) > max_length:
        raise DomainError(
            _("The %(what)s is %(length)d characters long; the limit is %(limit)d: shorten it.")
            % {"what": what, "length": len(text), "limit": max_length},
            code="too_long",
        )
    return text


def _money(value, *, what):
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        amount = None
    if amount is None or amount <= 0:
        raise DomainError(
            _("The %(what)s must be an amount of yuan above zero, such as 1200000.") % {"what": what},
            code="bad_amount",
        )
    return amount


def _require_phase(programme, *phases):
    if programme.phase not in phases:
        names = ", ".join(str(Phase(p).label) for p in phases)
        raise DomainError(
            _("The programme is in its %(now)s phase; this can only be done during: %(phases)s.")
            % {"now": programme.get_phase_display(), "phases": names},
            code="wrong_phase",
        )


def _lock(programme):
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    for f in locked._meta.concrete_fields:
        setattr(programme, f.attname, getattr(locked, f.attname))
    return programme


def _fresh(programme):
    """The programme as stored now: a project's cached programme may predate a phase change."""
    programme.refresh_from_db(fields=["phase"])
    return programme


def _verified(user, programme):
    citizen = getattr(user, "citizen", None) if user is not None and user.is_authenticated else None
    return citizen is not None and citizen.is_verified_resident_of(programme.region)


def _require_resident(user, programme, *, doing):
    if user is None or not user.is_authenticated:
        raise DomainError(_("Sign in first to %(doing)s.") % {"doing": doing}, code="sign_in")
    if programme.verified_only and not _verified(user, programme):
        raise DomainError(
            _(
                "Only verified residents of %(region)s may %(doing)s: have your residence verified at a "
                "service counter, then come back."
            )
            % {"region": programme.region.label, "doing": doing},
            code="not_verified",
        )


# --- the programme and its phases --------------------------------------------------------------------


@transaction.atomic
def programme_create(
    *,
    by,
    region,
    unit,
    year,
    title,
    budget,
    windows,
    decider=Decider.PUBLIC,
    public_vote=True,
    ballot_kind=BallotKind.APPROVAL,
    max_choices=10,
    method=WinnerMethod.GREEDY,
    verified_only=True,
    summary="",
):
    """A year's programme with the dates of its phases: `windows` {phase: (starts_on, ends_on)}."""
    _require_manager(by, unit)
    if Programme.objects.filter(region=region, year=year).exists():
        raise DomainError(
            _("%(region)s already has a programme for %(year)d: open it instead of making a second one.")
            % {"region": region.label, "year": year},
            code="duplicate",
        )
    if decider == Decider.PUBLIC and not public_vote:
        raise DomainError(
            _(
                "The public vote picks the winners, so a public vote must be held: tick it, or let "
                "the deputies decide."
            ),
            code="no_public_vote",
        )
    missing = [str(Phase(p).label) for p in CYCLE if p not in windows]
    if missing:
        raise DomainError(
            _("Give the dates of every phase; missing: %(phases)s.") % {"phases": ", ".join(missing)},
            code="missing_phase",
        )
    previous_end = None
    for phase in CYCLE:
        start, end = windows[phase]
        if end < start or (previous_end is not None and start <= previous_end):
            raise DomainError(
                _("The %(phase)s phase must start after the phase before it ends, and end after it starts.")
                % {"phase": Phase(phase).label},
                code="bad_dates",
            )
        previous_end = end
    programme = Programme.objects.create(
        region=region,
        unit=unit,
        year=year,
        title=_text(title, what=_("title"), max_length=200),
        summary=(summary or "").strip(),
        budget=_money(budget, what=_("budget")),
        decider=decider,
        public_vote=public_vote,
        ballot_kind=ballot_kind,
        max_choices=max_choices,
        method=method,
        verified_only=verified_only,
        carried_from=Programme.objects.filter(region=region, year=year - 1).first(),
    )
    for phase in CYCLE:
        PhaseWindow.objects.create(
            programme=programme, phase=phase, starts_on=windows[phase][0], ends_on=windows[phase][1]
        )
    audit_record(action="pledges.programme.create", obj=programme, actor=by, details={"year": year})
    return programme


def _next_phase(programme):
    if programme.phase == Phase.DRAFT:
        return Phase.NOMINATION
    if programme.phase == Phase.RATING:
        return Phase.CLOSED
    if programme.phase == Phase.CLOSED:
        return None
    return CYCLE[CYCLE.index(programme.phase) + 1]


@transaction.atomic
def phase_advance(*, programme, by=None, now=None):
    """Close the current phase and open the next one: by an official (early) or by the calendar (by=None)."""
    now = now or timezone.now()
    if by is not None:
        _require_manager(by, programme.unit)
    _lock(programme)
    target = _next_phase(programme)
    if target is None:
        raise DomainError(_("The programme is closed: nothing follows."), code="closed")
    if target == Phase.VOTE and not programme.nominations.filter(status=NominationStatus.CANDIDATE).exists():
        raise DomainError(
            _("No nomination has passed screening yet: accept at least one candidate before the vote opens."),
            code="no_candidates",
        )
    if target == Phase.VOTE and programme.nominations.filter(status=NominationStatus.SUBMITTED).exists():
        raise DomainError(
            _("Some nominations are not screened yet: accept or reject each one (with a reason) first."),
            code="unscreened",
        )
    if target == Phase.DELIVERY and programme.results_published_at is None:
        raise DomainError(_("Publish the vote's results before delivery starts."), code="no_results")
    if target == Phase.CLOSED:
        unfinished = programme.projects.filter(parent__isnull=True).exclude(
            status__in=[ProjectStatus.DONE, ProjectStatus.CARRIED_OVER]
        )
        if unfinished.exists():
            raise DomainError(
                _(
                    "%(n)d projects are neither done nor carried into next year: mark them done, or carry "
                    "them over with a reason, before the year is closed."
                )
                % {"n": unfinished.count()},
                code="unfinished",
            )
    before = programme.phase
    PhaseWindow.objects.filter(programme=programme, phase=before, closed_at__isnull=True).update(
        closed_at=now
    )
    PhaseWindow.objects.filter(programme=programme, phase=target).update(opened_at=now)
    programme.phase = target
    programme.held = ""
    programme.save(update_fields=["phase", "held"])
    audit_record(
        action="pledges.phase.advance",
        obj=programme,
        actor=by,
        changes={"phase": [before, target]},
        details={"by_calendar": by is None},
    )
    return programme


def phases_advance_due(*, now=None):
    """The calendar's turn: open every phase whose start date has come; close a rating phase that ended."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    moved = 0
    for programme in Programme.objects.exclude(phase=Phase.CLOSED).prefetch_related("windows"):
        target = _next_phase(programme)
        window = programme.window(target) if target != Phase.CLOSED else None
        due = (window is not None and window.starts_on <= today) or (
            target == Phase.CLOSED and programme.window(Phase.RATING).ends_on < today
        )
        if not due:
            continue
        try:
            phase_advance(programme=programme, now=now)
            moved += 1
        except DomainError as exc:
            if programme.held == exc.code:
                continue
            Programme.objects.filter(pk=programme.pk).update(held=exc.code)
            audit_record(
                action="pledges.phase.held",
                obj=programme,
                details={"phase": target, "code": exc.code, "reason": str(exc.message)},
            )
    return moved


# --- nominations and screening ----------------------------------------------------------------------


@transaction.atomic
def nomination_submit(
    *, programme, theme, title, description, by=None, kind=NominatorKind.CITIZEN, deputy_name=""
):
    """A nomination (征集) from a citizen, an official or a people's deputy; returns its Nominator, whose
    tracking code the nominator keeps (it also lets them rate the projects at the year's end)."""
    _lock(programme)
    _require_phase(programme, Phase.NOMINATION)
    if theme not in Theme.values:
        raise DomainError(
            _(
                "Choose the theme of your nomination (employment, pension, schooling, medical, "
                "housing, water or other)."
            ),
            code="no_theme",
        )
    if kind == NominatorKind.CITIZEN:
        _require_resident(by, programme, doing=_("nominate a project"))
    else:
        _require_manager(by, programme.unit)
        if kind == NominatorKind.DEPUTY:
            deputy_name = _text(deputy_name, what=_("deputy's name"), max_length=100)
    title = _text(title, what=_("title"), max_length=200)
    description = _text(description, what=_("description of the project"))
    number = (programme.nominations.aggregate(n=Max("number"))["n"] or 0) + 1
    nomination = Nomination.objects.create(
        programme=programme, number=number, theme=theme, title=title, description=description
    )
    nominator = Nominator.objects.create(
        nomination=nomination,
        kind=kind,
        user=by if by is not None and by.is_authenticated else None,
        deputy_name=deputy_name if kind == NominatorKind.DEPUTY else "",
    )
    audit_record(
        action="pledges.nomination.submit",
        obj=nomination,
        actor=nominator.user,
        details={"programme": programme.pk, "kind": kind, "theme": theme},
    )
    return nominator


@transaction.atomic
def nominations_merge(*, target, sources, by):
    """Merge similar nominations into `target`: every nominator moves to it, the others show "merged"."""
    programme = target.programme
    _require_manager(by, programme.unit)
    _require_phase(programme, Phase.NOMINATION, Phase.SCREENING)
    sources = [s for s in sources if s.pk != target.pk]
    if not sources:
        raise DomainError(
            _("Tick at least one other nomination to merge into this one."), code="nothing_to_merge"
        )
    for source in sources:
        if source.programme_id != programme.pk or source.status != NominationStatus.SUBMITTED:
            raise DomainError(
                _("Only nominations of this programme that are not screened yet can be merged."),
                code="bad_merge",
            )
    if target.status != NominationStatus.SUBMITTED:
        raise DomainError(_("Merge into a nomination that is not screened yet."), code="bad_merge")
    ids = [s.pk for s in sources]
    Nominator.objects.filter(nomination_id__in=ids).update(nomination=target)
    Nomination.objects.filter(pk__in=ids).update(status=NominationStatus.MERGED, merged_into=target)
    audit_record(action="pledges.nomination.merge", obj=target, actor=by, details={"merged": ids})
    return target


@transaction.atomic
def nomination_screen(
    *, nomination, by, accept, feasibility="", cost=None, owner_unit=None, note="", reason=""
):
    """Screening (筛选) by the responsible units: a candidate needs feasibility, a cost and an owner unit;
    a rejection needs a reason, published with the list."""
    programme = nomination.programme
    if not (can_manage(by, programme.unit) or (owner_unit is not None and can_manage(by, owner_unit))):
        _require_manager(by, programme.unit)
    _require_phase(programme, Phase.SCREENING)
    if nomination.status not in (
        NominationStatus.SUBMITTED,
        NominationStatus.CANDIDATE,
        NominationStatus.REJECTED,
    ):
        raise DomainError(
            _("A merged nomination is screened through the one it was merged into."), code="merged"
        )
    before = nomination.status
    if accept:
        if feasibility not in (Feasibility.FEASIBLE, Feasibility.PARTLY):
            raise DomainError(
                _(
                    "A candidate must be feasible this year (at least in part): choose its "
                    "feasibility, or reject it with a reason."
                ),
                code="not_feasible",
            )
        if owner_unit is None:
            raise DomainError(_("Name the owner unit that would deliver the project."), code="no_owner")
        nomination.cost = _money(cost, what=_("cost estimate"))
        if nomination.cost > programme.budget:
            raise DomainError(
                _(
                    "The cost estimate is above the whole year's budget (%(budget)s yuan): split the "
                    "project or reject it."
                )
                % {"budget": programme.budget},
                code="over_budget",
            )
        nomination.owner_unit = owner_unit
        nomination.feasibility = feasibility
        nomination.rejection_reason = ""
        nomination.status = NominationStatus.CANDIDATE
    else:
        nomination.rejection_reason = _text(reason, what=_("reason for rejecting it"))
        nomination.feasibility = feasibility or ""
        nomination.status = NominationStatus.REJECTED
    nomination.screening_note = (note or "").strip()
    nomination.screened_at = timezone.now()
    nomination.save()
    audit_record(
        action="pledges.nomination.screen",
        obj=nomination,
        actor=by,
        changes={"status": [before, nomination.status]},
        details={"cost": nomination.cost, "owner_unit": nomination.owner_unit_id},
    )
    return nomination


# --- the vote ---------------------------------------------------------------------------------------


# The largest key a database integer column holds: a bigger number cannot name a candidate.
_MAX_KEY = 2**63 - 1


def _candidates_of(programme, nominations):
    refused = DomainError(_("Vote only for the candidates listed on the ballot."), code="not_a_candidate")
    ids = set()
    for nomination in nominations:
        try:
            key = int(getattr(nomination, "pk", nomination))
        except (TypeError, ValueError):
            raise refused from None
        if not 0 < key <= _MAX_KEY:
            raise refused
        ids.add(key)
    found = list(
        Nomination.objects.filter(programme=programme, pk__in=ids, status=NominationStatus.CANDIDATE)
    )
    if len(found) != len(ids):
        raise refused
    return found


def _check_ballot(programme, chosen):
    if not chosen:
        raise DomainError(_("Tick at least one project before you send your ballot."), code="empty_ballot")
    if (
        programme.ballot_kind == BallotKind.APPROVAL
        and programme.max_choices
        and len(chosen) > programme.max_choices
    ):
        raise DomainError(
            _("You ticked %(n)d projects; each ballot takes at most %(max)d: untick some.")
            % {"n": len(chosen), "max": programme.max_choices},
            code="too_many",
        )
    if programme.ballot_kind == BallotKind.BUDGET:
        total = sum((n.cost for n in chosen), Decimal(0))
        if total > programme.budget:
            raise DomainError(
                _(
                    "Your choices cost %(total)s yuan, more than the year's budget of %(budget)s "
                    "yuan: untick some."
                )
                % {"total": total, "budget": programme.budget},
                code="over_budget",
            )


def _require_public_vote(programme):
    _require_phase(programme, Phase.VOTE)
    if not programme.public_vote:
        raise DomainError(
            _("This programme's projects are chosen by the people's deputies only."), code="no_public_vote"
        )
    if programme.results_published_at is not None:
        raise DomainError(_("The results are published: the vote is over."), code="results_published")


@transaction.atomic
def ballot_cast(*, programme, by, nominations):
    """A verified resident's ballot, once per programme."""
    _lock(programme)
    _require_public_vote(programme)
    _require_resident(by, programme, doing=_("vote"))
    chosen = _candidates_of(programme, nominations)
    _check_ballot(programme, chosen)
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(programme=programme, user=by)
    except IntegrityError:
        raise DomainError(
            _("You have already voted in this programme: each resident votes once."), code="double_vote"
        ) from None
    ballot.choices.set(chosen)
    audit_record(action="pledges.ballot.cast", obj=programme, actor=by, details={"ballot": ballot.pk})
    return ballot


@transaction.atomic
def paper_ballots_enter(*, programme, by, nominations, copies, note=""):
    """`copies` identical paper ballots from a polling station, merged into the count."""
    _require_manager(by, programme.unit)
    _lock(programme)
    _require_public_vote(programme)
    if not isinstance(copies, int) or copies < 1:
        raise DomainError(_("Give how many identical paper ballots (1 or more)."), code="bad_copies")
    chosen = _candidates_of(programme, nominations)
    _check_ballot(programme, chosen)
    ballot = Ballot.objects.create(programme=programme, paper=True, copies=copies, note=(note or "")[:200])
    ballot.choices.set(chosen)
    audit_record(
        action="pledges.ballot.paper",
        obj=programme,
        actor=by,
        details={"ballot": ballot.pk, "copies": copies},
    )
    return ballot


@transaction.atomic
def deputy_vote_record(*, programme, by, held_on, present, record, counts):
    """The congress office enters the deputies' vote (票决): `counts` {nomination: (for, against, abstain)}
    for every candidate, with the session's record."""
    _require_manager(by, programme.unit)
    _lock(programme)
    _require_phase(programme, Phase.VOTE)
    if programme.results_published_at is not None:
        raise DomainError(_("The results are published: the vote is over."), code="results_published")
    record = _text(record, what=_("session's record"))
    if not isinstance(present, int) or present < 1:
        raise DomainError(_("Give how many deputies were present (1 or more)."), code="bad_present")
    wanted = {n.pk: n for n in programme.nominations.filter(status=NominationStatus.CANDIDATE)}
    given = {getattr(k, "pk", k): v for k, v in counts.items()}
    if set(given) != set(wanted):
        raise DomainError(
            _("Enter the deputies' counts for every candidate, and for candidates only."),
            code="counts_missing",
        )
    for pk, (yes, no, abstain) in given.items():
        if min(yes, no, abstain) < 0 or yes + no + abstain > present:
            raise DomainError(
                _(
                    "The counts of “%(title)s” add up to more than the deputies present: check them "
                    "against the record."
                )
                % {"title": wanted[pk].title},
                code="bad_counts",
            )
    for pk, (yes, no, abstain) in given.items():
        Nomination.objects.filter(pk=pk).update(deputy_votes=yes, deputy_against=no, deputy_abstain=abstain)
    DeputySession.objects.update_or_create(
        programme=programme,
        defaults={"held_on": held_on, "deputies_present": present, "record": record, "entered_by": by},
    )
    audit_record(
        action="pledges.deputies.record",
        obj=programme,
        actor=by,
        details={"present": present, "counts": {str(k): list(v) for k, v in given.items()}},
    )
    return programme


@transaction.atomic
def override_set(*, nomination, action, reason, by):
    """Include or exclude a candidate against the count (Consul's requested admin override), with a reason."""
    programme = nomination.programme
    _require_manager(by, programme.unit)
    _require_phase(programme, Phase.VOTE)
    if programme.results_published_at is not None:
        raise DomainError(
            _("The results are published: they can no longer be overridden."), code="results_published"
        )
    if nomination.status != NominationStatus.CANDIDATE:
        raise DomainError(_("Only candidates can be overridden."), code="not_a_candidate")
    if action not in OverrideAction.values:
        raise DomainError(_("Choose whether the candidate is chosen or not."), code="bad_action")
    reason = _text(reason, what=_("reason for the override"))
    override, _created = Override.objects.update_or_create(
        nomination=nomination, defaults={"programme": programme, "action": action, "reason": reason, "by": by}
    )
    audit_record(
        action="pledges.override.set", obj=nomination, actor=by, details={"action": action, "reason": reason}
    )
    return override


def results_compute(*, programme):
    """The count and the winners, as published: pure reads. Returns a dict (JSON-ready)."""
    cands = list(programme.nominations.filter(status=NominationStatus.CANDIDATE).order_by("number"))
    ballots = [
        ({n for n in b.choices.values_list("pk", flat=True)}, b.copies)
        for b in programme.ballots.prefetch_related("choices")
    ]
    public = {n.pk: 0 for n in cands}
    for chosen, copies in ballots:
        for pk in chosen:
            if pk in public:
                public[pk] += copies
    costs = {n.pk: n.cost for n in cands}
    session = DeputySession.objects.filter(programme=programme).first()
    if programme.decider == Decider.DEPUTIES:
        majority = (session.deputies_present // 2 + 1) if session else None
        eligible = {n.pk: n.cost for n in cands if majority and (n.deputy_votes or 0) >= majority}
        deputy_ballots = [({n.pk}, n.deputy_votes) for n in cands if n.pk in eligible and n.deputy_votes]
        computed = winners.greedy(costs=eligible, ballots=deputy_ballots, budget=programme.budget)
        method = "deputies_majority_greedy"
    elif programme.method == WinnerMethod.EQUAL_SHARES:
        computed = winners.equal_shares(
            costs=costs, ballots=ballots, budget=programme.budget, increment=conf.equal_shares_increment()
        )
        method = WinnerMethod.EQUAL_SHARES.value
    else:
        computed = winners.greedy(costs=costs, ballots=ballots, budget=programme.budget)
        method = WinnerMethod.GREEDY.value
    overrides = {o.nomination_id: o for o in programme.overrides.all()}
    final = [
        pk for pk in computed if not (pk in overrides and overrides[pk].action == OverrideAction.EXCLUDE)
    ]
    final += [pk for pk, o in overrides.items() if o.action == OverrideAction.INCLUDE and pk not in final]
    rows = []
    for n in cands:
        o = overrides.get(n.pk)
        rows.append(
            {
                "nomination": n.pk,
                "number": n.number,
                "title": public_text(n, n.title),
                "cost": str(n.cost),
                "public_votes": public[n.pk],
                "deputy_votes": n.deputy_votes,
                "deputy_against": n.deputy_against,
                "deputy_abstain": n.deputy_abstain,
                "computed": n.pk in computed,
                "chosen": n.pk in final,
                "override": o.action if o else "",
                "override_reason": o.reason if o else "",
            }
        )
    return {
        "method": method,
        "decider": programme.decider,
        "budget": str(programme.budget),
        "ballots": sum(c for _s, c in ballots),
        "paper_ballots": sum(b.copies for b in programme.ballots.filter(paper=True)),
        "deputies_present": session.deputies_present if session else None,
        "session_held_on": session.held_on.isoformat() if session else None,
        "session_record": session.record if session else "",
        "order": computed,
        "chosen": final,
        "chosen_cost": str(sum((costs[pk] for pk in final), Decimal(0))),
        "rows": rows,
    }


@transaction.atomic
def results_publish(*, programme, by, now=None):
    """Publish the count with the winners; every chosen candidate becomes a project in delivery."""
    now = now or timezone.now()
    _require_manager(by, programme.unit)
    _lock(programme)
    _require_phase(programme, Phase.VOTE)
    if programme.results_published_at is not None:
        raise DomainError(_("The results are already published."), code="results_published")
    if (
        programme.decider == Decider.DEPUTIES
        and not DeputySession.objects.filter(programme=programme).exists()
    ):
        raise DomainError(
            _("Enter the deputies' vote first: they pick the winners of this programme."), code="no_session"
        )
    result = results_compute(programme=programme)
    if not result["chosen"]:
        raise DomainError(
            _("No candidate is chosen by this count: check the votes, or override with a reason."),
            code="no_winner",
        )
    for nomination in programme.nominations.filter(pk__in=result["chosen"]):
        Project.objects.create(
            programme=programme,
            nomination=nomination,
            theme=nomination.theme,
            title=public_text(nomination, nomination.title),
            promise=public_text(nomination, nomination.description),
            budget=nomination.cost,
            owner_unit=nomination.owner_unit,
        )
    programme.result = result
    programme.results_published_at = now
    programme.save(update_fields=["result", "results_published_at"])
    audit_record(
        action="pledges.results.publish",
        obj=programme,
        actor=by,
        details={"chosen": result["chosen"], "method": result["method"]},
    )
    return result


# --- delivery ---------------------------------------------------------------------------------------


def _require_delivery(by, project):
    if by is None or not can_deliver(by, project):
        raise PermissionDenied(
            _("Only the owner unit's or the organising unit's handlers and heads may do this.")
        )
    _require_phase(_fresh(project.programme), Phase.DELIVERY, Phase.RATING)


@transaction.atomic
def project_part_add(*, parent, by, title, budget, weight=1, owner_unit=None):
    """A part of a project (a sub-result): the parent's progress becomes its parts' weighted mean."""
    _require_delivery(by, parent)
    try:
        weight = Decimal(str(weight))
    except InvalidOperation:
        weight = Decimal(0)
    if weight <= 0:
        raise DomainError(_("The weight must be a number above zero."), code="bad_weight")
    part = Project.objects.create(
        programme=parent.programme,
        parent=parent,
        weight=weight,
        theme=parent.theme,
        title=_text(title, what=_("title"), max_length=200),
        promise=parent.promise,
        budget=_money(budget, what=_("budget")),
        owner_unit=owner_unit or parent.owner_unit,
    )
    audit_record(action="pledges.project.part_add", obj=part, actor=by, details={"parent": parent.pk})
    return part


def _due_day(day):
    """The working day a milestone is due: the date itself, or the next working day after a day off."""
    for _step in range(60):
        if workcal.is_workday(day):
            return day
        day += dt.timedelta(days=1)
    return day


@transaction.atomic
def milestone_add(*, project, by, title, due_on, now=None):
    """A milestone due at the end of a working day of the programme's year, kept by a deadlines clock."""
    now = now or timezone.now()
    _require_delivery(by, project)
    title = _text(title, what=_("milestone"), max_length=200)
    if due_on is None:
        raise DomainError(_("Give the milestone's due date."), code="no_date")
    year = project.programme.year
    if due_on.year != year:
        raise DomainError(
            _(
                "A milestone of the %(year)d programme must fall within %(year)d: an unfinished "
                "project is carried into next year instead."
            )
            % {"year": year},
            code="outside_year",
        )
    if due_on < timezone.localdate(now):
        raise DomainError(
            _("The due date has passed already: choose a date from today on."), code="past_date"
        )
    day = _due_day(due_on)
    if day.year != year:
        raise DomainError(
            _("%(date)s and the days after it to the year's end are days off: choose an earlier date.")
            % {"date": due_on.isoformat()},
            code="outside_year",
        )
    end = timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))
    amount = workcal.working_days_between(now, end)
    clock = clocks.clock_start(start=now, amount=amount, unit=TimeUnit.WORKING_DAYS, by=by)
    milestone = Milestone.objects.create(project=project, title=title, due_on=day, clock=clock)
    audit_record(
        action="pledges.milestone.add",
        obj=milestone,
        actor=by,
        details={"project": project.pk, "due_on": day.isoformat(), "due_at": clock.due_at},
    )
    return milestone


@transaction.atomic
def milestone_done(*, milestone, by, now=None):
    now = now or timezone.now()
    _require_delivery(by, milestone.project)
    if milestone.done_at is not None:
        raise DomainError(_("This milestone is already marked done."), code="done")
    milestone.done_at = now
    milestone.save(update_fields=["done_at"])
    if milestone.clock is not None and milestone.clock.state != ClockState.STOPPED:
        clocks.clock_stop(clock=milestone.clock, at=now, by=by)
    audit_record(action="pledges.milestone.done", obj=milestone, actor=by)
    return milestone


def _tell_followers(project, subject, text, key):
    for follower in Follower.objects.filter(project=project).select_related("user"):
        message_send(
            channel="email",
            to=follower.user.email,
            subject=subject,
            text=text,
            key=f"{key}:{follower.user_id}",
            about=f"pledges.project:{project.pk}",
        )


@transaction.atomic
def update_post(*, project, by, text, status, progress=None, spent=None, photo=None, now=None):
    """A dated public update (Decidim's timeline entry) that sets the status and progress; followers "
    "are told."""
    now = now or timezone.now()
    _require_delivery(by, project)
    text = _text(text, what=_("update"))
    if status not in ProjectStatus.values or status == ProjectStatus.CARRIED_OVER:
        raise DomainError(
            _("Choose the project's status (carrying over has its own button)."), code="bad_status"
        )
    if progress in ("", None):
        progress = None
    else:
        try:
            progress = int(progress)
        except (TypeError, ValueError):
            progress = -1
        if not 0 <= progress <= 100:
            raise DomainError(
                _("Progress is a whole number from 0 to 100, or empty for the status's default."),
                code="bad_progress",
            )
    if photo is not None:
        # By content, re-encoded without EXIF (massline.lib.uploads); FileRefused is a DomainError.
        checked = check_upload(photo, kinds=IMAGES, max_bytes=conf.photo_max_mb() * 1024 * 1024)
        photo = checked.as_file((getattr(photo, "name", "") or "photo").rsplit("/", 1)[-1])
    before = (project.status, project.progress_set)
    project.status = status
    project.progress_set = progress
    if spent not in (None, ""):
        project.spent = _money(spent, what=_("amount spent"))
    project.save(update_fields=["status", "progress_set", "spent"])
    update = Update.objects.create(
        project=project,
        text=text,
        status=status,
        progress=project.own_progress(),
        by=by,
        created_at=now,
        photo=photo or "",
    )
    audit_record(
        action="pledges.project.update",
        obj=project,
        actor=by,
        changes={"status": [before[0], status], "progress": [before[1], progress]},
        details={"update": update.pk},
    )
    link = reverse("pledges:project", args=[project.pk])
    _tell_followers(
        project,
        _("Practical project “%(title)s”: news") % {"title": project.title},
        f"{update.text}\n\n{update.get_status_display()} · {update.progress}%\n{link}",
        key=f"pledges-update-{update.pk}",
    )
    return update


@transaction.atomic
def project_follow(*, project, user):
    if user is None or not user.is_authenticated:
        raise DomainError(
            _("Sign in to follow a project: we tell followers of its updates by e-mail."), code="sign_in"
        )
    follower, created = Follower.objects.get_or_create(project=project, user=user)
    if created:
        audit_record(action="pledges.project.follow", obj=project, actor=user)
    return follower


@transaction.atomic
def project_carry_over(*, project, by, reason):
    """An unfinished project goes into next year's programme with a reason (when that programme exists,
    the project continues there with the budget left)."""
    _require_delivery(by, project)
    reason = _text(reason, what=_("reason for carrying it over"))
    if project.status == ProjectStatus.DONE:
        raise DomainError(_("This project is done: there is nothing to carry over."), code="done")
    before = project.status
    nxt = Programme.objects.filter(region=project.programme.region, year=project.programme.year + 1).first()
    if nxt is not None and project.carried_into_id is None:
        project.carried_into = Project.objects.create(
            programme=nxt,
            theme=project.theme,
            title=project.title,
            promise=project.promise,
            budget=max(project.budget - project.spent, Decimal("0.01")),
            owner_unit=project.owner_unit,
            carry_reason=reason,
        )
    project.status = ProjectStatus.CARRIED_OVER
    project.carry_reason = reason
    project.save(update_fields=["status", "carry_reason", "carried_into"])
    audit_record(
        action="pledges.project.carry_over",
        obj=project,
        actor=by,
        changes={"status": [before, project.status]},
        details={"reason": reason, "into": project.carried_into_id},
    )
    return project


# --- the year-end rating ----------------------------------------------------------------------------


def _code_valid(programme, code):
    if Nominator.objects.filter(nomination__programme=programme, tracking_code=code).exists():
        return True
    case = case_for_code(code)
    return case is not None and case.region_id is not None and case.region.is_within(programme.region)


@transaction.atomic
def rating_cast(*, project, satisfaction, by=None, tracking_code=""):
    """The people's year-end rating of a project: once per verified resident, or once per tracking code
    (a nominator's code, or the code of a demand the person raised in the programme's area)."""
    programme = _fresh(project.programme)
    _require_phase(programme, Phase.RATING)
    if project.parent_id:
        raise DomainError(_("Rate the whole project, not one of its parts."), code="part")
    if satisfaction not in Satisfaction.values:
        raise DomainError(_("Choose satisfied, basically satisfied or unsatisfied."), code="bad_satisfaction")
    code = (tracking_code or "").strip().upper()
    if by is not None and by.is_authenticated and _verified(by, programme):
        code = ""
    elif code:
        if not _code_valid(programme, code):
            raise DomainError(
                _("We do not know this tracking code here: check it, or sign in as a verified resident."),
                code="bad_code",
            )
        by = None
    else:
        raise DomainError(
            _("Sign in as a verified resident, or give your tracking code, to rate the projects."),
            code="not_verified",
        )
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                project=project, satisfaction=satisfaction, user=by, tracking_code=code
            )
    except IntegrityError:
        raise DomainError(
            _("You have already rated this project: each person rates it once."), code="double_rating"
        ) from None
    audit_record(
        action="pledges.rating.cast",
        obj=project,
        actor=by,
        details={"satisfaction": satisfaction, "by_code": bool(code)},
    )
    return rating


# --- the worker ---------------------------------------------------------------------------------------


# The overdue rungs after the first, in order, with how many escalation steps after the due time each is.
LADDER = ((EscalationLevel.HEAD, 1), (EscalationLevel.LISTED, 2))


def rung_time(due, steps):
    """When an overdue milestone climbs a rung `steps` escalation steps after its due time (working time)."""
    return workcal.add_counted_time(due, conf.escalation_step() * steps, TimeUnit.WORKING_HOURS)


def _milestone_audience(milestone, level):
    project = milestone.project
    if level == EscalationLevel.LISTED:
        region = project.programme.region
        return Membership.objects.filter(
            role=Role.SUPERVISOR, region__path__in=[region.path[: i + 1] for i in range(len(region.path))]
        )
    roles = [Role.UNIT_HEAD] if level == EscalationLevel.HEAD else [Role.UNIT_HEAD, Role.HANDLER]
    return Membership.objects.filter(unit=project.owner_unit, role__in=roles)


def _milestone_escalate(milestone, level, now, detail):
    """Record rung `level` of `milestone` once (the unique row decides between two workers) and tell who
    it concerns through the outbox; returns False when another worker recorded it first."""
    project = milestone.project
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(
                milestone=milestone, unit=project.owner_unit, level=level, due_at=milestone.clock.due_at
            )
    except IntegrityError:
        return False
    subject = {
        EscalationLevel.WARNING: _("Practical project milestone due soon: %(title)s"),
        EscalationLevel.OVERDUE: _("Practical project milestone overdue: %(title)s"),
        EscalationLevel.HEAD: _("Warning: practical project milestone still overdue: %(title)s"),
        EscalationLevel.LISTED: _("Practical project milestone listed for supervision: %(title)s"),
    }[level] % {"title": milestone.title}
    text = _("%(project)s · %(unit)s · due %(due)s") % {
        "project": project.title,
        "unit": project.owner_unit.label,
        "due": timezone.localtime(milestone.clock.due_at).strftime("%Y-%m-%d %H:%M"),
    }
    for membership in (
        _milestone_audience(milestone, level).filter(user__is_active=True).select_related("user")
    ):
        message_send(
            channel="email",
            to=membership.user.email,
            subject=subject,
            text=text,
            key=f"pledges-escalation-{escalation.pk}-{membership.user_id}",
            about=f"pledges.milestone:{milestone.pk}",
        )
    audit_record(
        action=f"pledges.milestone.{level}", obj=milestone, details={"escalation": escalation.pk, **detail}
    )
    return True


def milestones_check(*, now=None):
    """Warn milestones whose clock has used the warning share; walk overdue ones up the ladder demands
    follow (督办): a reminder to the owner unit at the due time, a warning to its head one escalation
    step later, the listing for the supervisors of the programme's region and above one step after that.
    Each rung once per milestone: the first two claimed with a conditional UPDATE, every rung a unique
    row, so several workers never act twice; a worker that was down climbs every rung whose time passed."""
    now = now or timezone.now()
    count = 0
    open_ones = (
        Milestone.objects.filter(done_at__isnull=True, clock__isnull=False)
        .exclude(escalations__level=EscalationLevel.LISTED)
        .select_related("clock", "project__owner_unit", "project__programme__region")
        .prefetch_related("escalations")
    )
    for milestone in open_ones:
        with transaction.atomic():
            if milestone.overdue_at is None:
                share = clock_share_used(clock=milestone.clock, at=now)
                # Overdue from the due time on, as a demand: the share stays 1 after the working day's
                # end until working time starts again.
                if milestone.clock.due_at < now:
                    if Milestone.objects.filter(pk=milestone.pk, overdue_at__isnull=True).update(
                        overdue_at=now
                    ):
                        milestone.overdue_at = now
                        count += _milestone_escalate(
                            milestone, EscalationLevel.OVERDUE, now, {"share": round(share, 3)}
                        )
                elif share >= conf.milestone_warn_share():
                    if Milestone.objects.filter(pk=milestone.pk, warned_at__isnull=True).update(
                        warned_at=now
                    ):
                        count += _milestone_escalate(
                            milestone, EscalationLevel.WARNING, now, {"share": round(share, 3)}
                        )
            if milestone.overdue_at is None:
                continue
            reached = {e.level for e in milestone.escalations.all()}
            for level, steps in LADDER:
                if level in reached:
                    continue
                if now < rung_time(milestone.clock.due_at, steps):
                    break
                if not _milestone_escalate(milestone, level, now, {"steps": steps}):
                    break  # another worker climbed it
                count += 1
    return count


def worker_round(*, now=None):
    return phases_advance_due(now=now) + milestones_check(now=now)
