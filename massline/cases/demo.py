"""Demo data of demand handling, loaded by `massline demo` after the demo county (massline/org/demo.py).

- the official three-level category tree, mapped to the county's departments, and default time limits;
- a knowledge base of published answers: real government replies to common questions (Teddy 附件4);
- a few thousand real historical demands (the Teddy messages with the government's replies, spread over
  the county's villages), closed; their times are moved by whole weeks so that the history ends last
  month (weekday and hour kept), and appraisal has recent months to rank;
- a few dozen live demands in every state (new, dispatched, being handled, overdue, replied awaiting the
  rating, rated), made from real messages through the same services the staff use, so the workbench and
  the public pages look like a working centre.

Idempotent: the import skips what it loaded before, live demands are found by their idempotency key,
articles by their question. A database without the data files gets the tree-less demo and a note.
"""

import csv
import math
from collections import Counter
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from massline.lib.errors import DomainError
from massline.org.choices import RegionLevel, Role
from massline.org.demo import COUNTY, DEMO_UNIT_FOR_CATEGORY
from massline.org.geojson_io import contains
from massline.org.models import Membership, Region, Unit, User

from . import categories
from .choices import CaseStatus, Satisfaction
from .models import Case, Category, KnowledgeArticle
from .services.imports import SOURCES, import_cases, teddy_last_moment

DEFAULT_LIMIT = 3000
KNOWLEDGE_ARTICLES = 15
TEDDY_REPLIES = "attachment4_messages_with_replies.csv"
TEDDY_LABELLED = "attachment2_labelled_sample.csv"
LIVE_KEY_PREFIX = "demo-live-"

# Live demands of each state: how many, and how long ago the first came in and the gap between them.
LIVE_PLAN = (
    ("received", 6, timedelta(minutes=10), timedelta(minutes=25)),
    ("dispatched", 6, timedelta(minutes=40), timedelta(minutes=15)),
    ("in_progress", 8, timedelta(hours=6), timedelta(hours=9)),
    ("overdue", 6, timedelta(days=21), timedelta(hours=5)),
    ("replied", 6, timedelta(days=2), timedelta(hours=7)),
    ("rated", 4, timedelta(days=4), timedelta(hours=11)),
)
# First-level classes whose demo units have a handler account (org.demo OFFICIALS), for live demands.
LIVE_CLASSES = ("城乡建设", "环境保护")
_CONSULTATION_WORDS = ("咨询", "请问", "如何", "怎么", "能否", "是否", "怎样", "何时", "政策")


def _teddy(name):
    return categories.data_dir() / "teddy2020c" / name


def _read(name):
    with open(_teddy(name), encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _villages():
    county = Region.objects.filter(code=COUNTY["code"]).first()
    if county is None:
        return []
    return list(
        Region.objects.filter(path__startswith=county.path, level=RegionLevel.VILLAGE).order_by("code")
    )


def _knowledge_base(rows):
    """Published answers from real replies to consultations, one or two per first-level class."""
    if KnowledgeArticle.objects.exists():
        return 0
    index = [
        (name, pk)
        for pk, name in Category.objects.filter(code__startswith="zh-", parent__isnull=False).values_list(
            "pk", "name"
        )
        if len(name) >= 2 and name != "其他"
    ]
    index.sort(key=lambda item: -len(item[0]))
    per_class, articles = {}, []
    for row in rows:
        title, reply = row["留言主题"].strip(), " ".join(row["答复意见"].split())
        if not any(word in title for word in _CONSULTATION_WORDS) or not 120 <= len(reply) <= 900:
            continue
        if any(article.question == title[:300] for article in articles):
            continue
        category_id = next((pk for name, pk in index if name in title), None)
        if category_id is None:
            continue
        top = Category.objects.get(pk=category_id).path.strip("/").split("/")[0]
        if per_class.get(top, 0) >= 2:
            continue
        per_class[top] = per_class.get(top, 0) + 1
        keywords = " ".join(name for name, pk in index if pk == category_id)
        articles.append(
            KnowledgeArticle(
                question=title[:300],
                answer=reply,
                category_id=category_id,
                keywords=keywords,
                is_published=True,
            )
        )
        if len(articles) >= KNOWLEDGE_ARTICLES:
            break
    KnowledgeArticle.objects.bulk_create(articles)
    return len(articles)


def _bigrams(text):
    text = "".join(text.split())
    return [text[i : i + 2] for i in range(len(text) - 1)]


def first_level_classifier(rows):
    """A naive Bayes over character pairs, trained on the labelled sample (附件2): (title, description) ->
    the id of the first-level category it most likely belongs to. Good enough to spread the demo's
    unlabelled history over the departments; the routing app owns real classification."""
    tops = dict(
        Category.objects.filter(code__startswith="zh-", parent__isnull=True).values_list("name", "pk")
    )
    counts, totals, docs = {}, Counter(), Counter()
    for row in rows:
        label = row.get("一级分类", "").strip()
        if label not in tops:
            continue
        docs[label] += 1
        grams = _bigrams(row["留言主题"]) * 2 + _bigrams(row["留言详情"][:200])
        counts.setdefault(label, Counter()).update(grams)
        totals[label] += len(grams)
    if not docs:
        return None
    vocabulary = len(set().union(*counts.values()))
    priors = {label: math.log(n / sum(docs.values())) for label, n in docs.items()}

    def classify(title, description):
        grams = _bigrams(title) * 2 + _bigrams(description[:100])
        best = max(
            priors,
            key=lambda label: (
                priors[label]
                + sum(math.log((counts[label][g] + 1) / (totals[label] + vocabulary)) for g in grams)
            ),
        )
        return tops[best]

    return classify


def _member(unit, role):
    membership = (
        Membership.objects.filter(unit=unit, role=role)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    return membership.user if membership else None


def _live_demands(villages, now):
    """A few dozen demands in every state, made from real labelled messages through the services."""
    from .services.handling import case_contact, case_dispatch, case_reply, case_sign
    from .services.intake import case_submit
    from .services.visit import case_rate

    if Case.objects.filter(idempotency_key__startswith=LIVE_KEY_PREFIX).exists():
        return 0
    dispatcher = User.objects.filter(username="dispatcher").first()
    units = {code: Unit.objects.filter(code=code).first() for code in DEMO_UNIT_FOR_CATEGORY.values()}
    tops = {c.name: c for c in Category.objects.filter(code__startswith="zh-", parent__isnull=True)}
    rows = [row for row in _read(TEDDY_LABELLED) if row["一级分类"] in LIVE_CLASSES]
    replies = [" ".join(row["答复意见"].split()) for row in _read(TEDDY_REPLIES)[:200]]
    if dispatcher is None or not rows:
        return 0
    made = 0
    plan = [(state, first + gap * n) for state, count, first, gap in LIVE_PLAN for n in range(count)]
    for index, ((state, ago), row) in enumerate(zip(plan, rows, strict=False)):
        unit = units.get(DEMO_UNIT_FOR_CATEGORY[row["一级分类"]])
        handler = _member(unit, Role.HANDLER) if unit else None
        if handler is None:
            continue
        received = now - ago
        case = case_submit(
            type="complaint" if "投诉" in row["留言主题"] else "help",
            title=row["留言主题"].strip()[:200],
            description=row["留言详情"].strip()[:4000],
            category=tops.get(row["一级分类"]),
            channel="web" if index % 3 else "phone",
            region=villages[index % len(villages)] if villages else None,
            is_public=index % 4 != 3,
            idempotency_key=f"{LIVE_KEY_PREFIX}{row['留言编号']}",
            received_at=received,
        )
        made += 1
        if state == "received":
            continue
        case_dispatch(case=case, lead_unit=unit, by=dispatcher, at=received + timedelta(minutes=20))
        if state == "dispatched":
            continue
        signed = received + timedelta(minutes=50)
        case_sign(case=case, unit=unit, by=handler, at=signed)
        case_contact(
            case=case,
            by=handler,
            note=_("Called the citizen to confirm the place and the problem."),
            at=signed,
        )
        if state in ("in_progress", "overdue"):
            continue
        case_reply(case=case, text=replies[index % len(replies)], by=handler, at=signed + timedelta(hours=5))
        if state == "rated":
            satisfied = index % 2 == 0
            case_rate(
                case=case,
                resolved=satisfied,
                satisfaction=Satisfaction.SATISFIED if satisfied else Satisfaction.BASIC,
                comment=_("Thank you for the quick answer.") if satisfied else "",
                at=signed + timedelta(hours=26),
            )
    return made


def history_shift(path, *, limit, now):
    """How far the demo moves the historical messages (2011 to January 2020) so that they end in the last
    complete month: a county's figures of last month and the months before, not of 2019. A whole number
    of weeks, so every message keeps its weekday and hour (working time stays working time); the latest
    message or reply lands before this month starts, so nothing is in the future. Zero when the history
    is already recent. Only once: a rerun finds the demands already imported."""
    if Case.objects.filter(source=SOURCES["teddy"]).exists():
        return timedelta(0)
    latest = teddy_last_moment(path, limit=limit)
    month_start = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if latest is None or latest >= month_start:
        return timedelta(0)
    return timedelta(weeks=(month_start - latest) // timedelta(weeks=1))


def load_cases_demo(*, limit=DEFAULT_LIMIT, report=None, now=None):
    """Load the categories, policies, knowledge base, historical and live demands of the demo county.

    `limit` caps the historical demands imported. Returns a dict of what was done (also noted on `report`).
    """
    now = now or timezone.now()
    if not _teddy(TEDDY_REPLIES).exists():
        if report is not None:
            report.note(
                _("Demands: the data files are missing under %(path)s, so the demo has no demands.")
                % {"path": categories.data_dir()}
            )
        return {}
    tree = categories.load_taxonomy_csv()
    policies = categories.ensure_default_policies()
    articles = _knowledge_base(_read(TEDDY_REPLIES))
    villages = _villages()
    classify = first_level_classifier(_read(TEDDY_LABELLED))
    imported = import_cases(
        _teddy(TEDDY_REPLIES),
        fmt="teddy",
        limit=limit,
        regions=villages,
        classify=classify,
        shift=history_shift(_teddy(TEDDY_REPLIES), limit=limit, now=now),
    )
    simulated = simulate_return_visits()
    live = _live_demands(villages, now)
    placed = simulate_places()
    if live:
        from .services.clock import clock_tick

        # The worker's first pass: warnings and overdue marks for the live demands.
        clock_tick(now=now)
    result = {
        "categories_created": tree.created,
        "policies_created": policies,
        "articles_created": articles,
        "imported": imported.loaded,
        "live_created": live,
        "simulated_visits": simulated,
        "simulated_places": placed,
        "demands": Case.objects.count(),
        "public": Case.objects.filter(is_public=True).count(),
        "open": Case.objects.exclude(status__in=[CaseStatus.REPLIED, CaseStatus.CLOSED]).count(),
    }
    if report is not None and simulated:
        report.note(
            _(
                "Demands: %(n)d historical demands were given a simulated handling history (signing, a "
                "return visit and a rating, seeded) so that appraisal has figures to show; the real data "
                "has no ratings."
            )
            % {"n": simulated}
        )
    if report is not None and placed:
        report.note(
            _(
                "Demands: %(n)d demands without coordinates were given a simulated place (seeded, inside "
                "their village's made-up boundary) so that the maps have points to show."
            )
            % {"n": placed}
        )
    if report is not None:
        report.note(
            _(
                "Demands: %(demands)d (%(open)d open, %(public)d public; %(imported)d historical and "
                "%(live)d live added now), %(categories)d categories, %(articles)d knowledge-base answers."
            )
            % {
                **result,
                "categories": Category.objects.count(),
                "articles": KnowledgeArticle.objects.count(),
                "imported": imported.loaded,
                "live": live,
            }
        )
    return result


def simulate_places(*, seed=2027):
    """Give the demo's demands without coordinates a seeded point inside their region's boundary (the
    demo's boundaries are made up too, org.geojson_io.demo_boundaries; the Teddy messages have no
    coordinates). Idempotent: demands that have coordinates are left alone. Returns how many were placed.
    """
    import random

    rng = random.Random(seed)  # noqa: S311 - seeded demo data, not a secret
    boundaries = dict(Region.objects.exclude(boundary=None).values_list("pk", "boundary"))
    cases = list(
        Case.objects.filter(lat=None, region_id__in=list(boundaries)).only("pk", "region_id").order_by("pk")
    )
    step = Decimal("0.000001")
    for case in cases:
        geometry = boundaries[case.region_id]
        rings = geometry["coordinates"][0] if geometry["type"] == "Polygon" else geometry["coordinates"][0][0]
        xs, ys = [p[0] for p in rings], [p[1] for p in rings]
        for _attempt in range(50):
            lon, lat = rng.uniform(min(xs), max(xs)), rng.uniform(min(ys), max(ys))
            if contains(geometry, lat, lon):
                break
        case.lat, case.lon = Decimal(lat).quantize(step), Decimal(lon).quantize(step)
    Case.objects.bulk_update(cases, ["lat", "lon"], batch_size=500)
    return len(cases)


# Simulated demo activity: the share of historical demands given a return visit, and the chances of each
# rating for demands answered on time and late (the real Teddy data has replies but no ratings).
SIMULATED_SHARE = 0.6
SIMULATED_RATINGS = {
    False: ((Satisfaction.SATISFIED, 0.70), (Satisfaction.BASIC, 0.20), (Satisfaction.UNSATISFIED, 0.10)),
    True: ((Satisfaction.SATISFIED, 0.40), (Satisfaction.BASIC, 0.25), (Satisfaction.UNSATISFIED, 0.35)),
}
SIMULATED_NOTE = "模拟回访（演示数据） / Simulated return visit (demo data)"


def simulate_return_visits(*, seed=2026):
    """Give a seeded share of the historical demo demands (closed, never rated) a handling history:
    dispatched and signed within the signing time, handled by the unit's handler where the demo has one,
    and rated on a return visit (mostly by phone), with a RATED event marked as simulated. Idempotent:
    a demand already rated is left alone. Returns how many demands were given a history."""
    import random

    from massline.deadlines.calendar import due_at
    from massline.deadlines.choices import TimeUnit

    from .choices import EventKind
    from .models import CaseEvent

    rng = random.Random(seed)  # noqa: S311 - seeded demo data, not a secret
    handlers = {
        m.unit_id: m.user_id for m in Membership.objects.filter(role=Role.HANDLER).order_by("user__username")
    }
    candidates = Case.objects.filter(
        source="teddy2020c",
        status=CaseStatus.CLOSED,
        satisfaction=Satisfaction.NOT_RATED,
        rated_at__isnull=True,
    ).order_by("pk")
    chosen, events = [], []
    for case in candidates.iterator(chunk_size=1000):
        if rng.random() >= SIMULATED_SHARE or case.replied_at is None:
            continue
        dispatched = case.received_at + timedelta(minutes=rng.randint(5, 90))
        try:
            due_sign = due_at(dispatched, 2, TimeUnit.WORKING_HOURS)
        except DomainError:  # noqa: S112 - a year the calendar cannot count: the demand stays as imported
            continue
        signed = dispatched + timedelta(minutes=rng.randint(10, 180))
        if signed > case.replied_at:
            signed = case.replied_at
        roll, satisfaction = rng.random(), Satisfaction.UNSATISFIED
        for value, chance in SIMULATED_RATINGS[case.was_late]:
            if roll < chance:
                satisfaction = value
                break
            roll -= chance
        rated_at = case.replied_at + timedelta(hours=rng.randint(2, 72))
        case.dispatched_at, case.due_sign_at, case.signed_at = dispatched, due_sign, signed
        case.handler_id = case.handler_id or handlers.get(case.lead_unit_id)
        case.satisfaction, case.rated_at = satisfaction, rated_at
        case.resolved = satisfaction != Satisfaction.UNSATISFIED and rng.random() < 0.9
        case.closed_at = rated_at
        chosen.append(case)
        via = "phone" if rng.random() < 0.7 else "tracking"
        events.append(
            CaseEvent(
                case=case,
                kind=EventKind.RATED,
                at=rated_at,
                internal_note=SIMULATED_NOTE,
                data={"via": via, "simulated": True, "satisfaction": satisfaction, "resolved": case.resolved},
            )
        )
    fields = [
        "dispatched_at",
        "due_sign_at",
        "signed_at",
        "handler",
        "satisfaction",
        "rated_at",
        "resolved",
        "closed_at",
    ]
    Case.objects.bulk_update(chosen, fields, batch_size=500)
    CaseEvent.objects.bulk_create(events, batch_size=1000)
    return len(chosen)


def load_demo(report=None):
    """The hook `massline demo` calls (see massline/org/management/commands/demo.py)."""
    return load_cases_demo(report=report)
