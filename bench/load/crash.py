"""Crash safety: the load of bench.load while a web worker and the `massline worker` process are killed
with SIGKILL (the worker restarted) and PostgreSQL is restarted once; then the same counts as bench.load
(acknowledged = stored exactly once, timeline, audit) and `massline audit verify` on the result.

PostgreSQL runs in a cluster of its own that this script creates (pg_createcluster, port 5440, trust on
loopback only) and restarts with pg_ctlcluster, so other databases on the machine are never touched.

    python -m bench.load.crash [--seconds 20] [--clients 8]
"""

# The PostgreSQL cluster tools (pg_lsclusters, pg_ctlcluster …) are Debian's, found on PATH by name.
# ruff: noqa: S607

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

from bench.common import ROOT, percentile, setup_django, write_result
from bench.intake_open311 import SERVICE_CODE, prepare
from bench.load.__main__ import check, processes, run_clients, server_env

CLUSTER = ("15", "masslinecrash")
PORT = 5440


def ensure_cluster():
    listed = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=True).stdout
    if not any(line.split()[:2] == list(CLUSTER) for line in listed.splitlines()):
        subprocess.run(
            ["pg_createcluster", *CLUSTER, "-p", str(PORT), "--", "--auth-host=trust", "--auth-local=trust"],
            check=True, capture_output=True,
        )  # fmt: skip
        subprocess.run(
            ["pg_conftool", *CLUSTER, "set", "listen_addresses", "localhost"], check=True, capture_output=True
        )
    subprocess.run(["pg_ctlcluster", *CLUSTER, "start"], capture_output=True, check=False)
    import psycopg

    base = f"postgres://postgres@127.0.0.1:{PORT}"
    for _ in range(50):
        try:
            with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
                conn.execute("DROP DATABASE IF EXISTS massline_crash WITH (FORCE)")
                conn.execute("CREATE DATABASE massline_crash")
            return f"{base}/massline_crash"
        except psycopg.OperationalError:
            time.sleep(0.2)
    raise SystemExit("the crash cluster did not start")


def children(pid):
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def faults(web, worker_box, url, log):
    """SIGKILL a web worker at 4 s, the worker process at 7 s (then start it again), restart PostgreSQL
    at 10 s."""
    time.sleep(4)
    victims = children(web.pid)
    if victims:
        os.kill(victims[0], signal.SIGKILL)
        log.append(f"SIGKILL web worker {victims[0]}")
    time.sleep(3)
    os.kill(worker_box[0].pid, signal.SIGKILL)
    log.append(f"SIGKILL massline worker {worker_box[0].pid}")
    worker_box[0] = subprocess.Popen(
        [sys.executable, "-m", "massline", "worker"], env=server_env(url), cwd=ROOT, stdout=subprocess.DEVNULL
    )
    time.sleep(3)
    subprocess.run(["pg_ctlcluster", *CLUSTER, "restart", "-m", "fast"], check=True, capture_output=True)
    log.append("PostgreSQL restarted")


TIMERS = 40


def seed_timers(count, seconds):
    """`count` dispatched demands of the bench unit whose time to sign runs out one after another, from
    2 s into the run to twice its length (so through the kills and the restart, and some after the end).
    Rows written like bench.clock's: only the due time is set to the second, the clock reads it as any."""
    from django.utils import timezone

    from massline.cases.choices import CaseStatus, Urgency
    from massline.cases.models import Case, Category

    category = Category.objects.get(code=SERVICE_CODE)
    start = timezone.now()
    step = 2 * seconds / count
    for i in range(count):
        due = start + timedelta(seconds=2 + i * step)
        Case.objects.create(
            tracking_code=f"TIMER{i:07d}",
            title="计时检查",
            description="timer",
            status=CaseStatus.DISPATCHED,
            urgency=Urgency.NORMAL,
            category=category,
            lead_unit=category.default_unit,
            received_at=start - timedelta(hours=1),
            dispatched_at=start - timedelta(hours=1),
            stage_since=start - timedelta(hours=1),
            due_sign_at=due,
            next_check_at=due,
            warnings_fired=9,  # the warnings are not what is counted here
        )


def routed_demand(note):
    """A demand submitted and dispatched in the routed category (the bench unit), as an official does."""
    from django.contrib.auth import get_user_model

    from massline.cases.choices import CaseType, Channel
    from massline.cases.models import Case, Category
    from massline.cases.services import handling
    from massline.cases.services.intake import case_submit
    from massline.org import services as org_services
    from massline.org.choices import Role, UnitKind

    category = Category.objects.get(code=SERVICE_CODE)
    official = get_user_model().objects.filter(username="bench-dispatcher").first()
    if official is None:
        centre = org_services.unit_create(
            code="bench-centre", name="12345热线", kind=UnitKind.CENTRE, by=None
        )
        grants = [org_services.Grant(role=Role.DISPATCHER, unit=centre, region=None)]
        official = org_services.official_create(username="bench-dispatcher", grants=grants, by=None)
    case = case_submit(
        type=CaseType.COMPLAINT,
        title="路面坑洼",
        description=f"routed {note}",
        category=category,
        channel=Channel.PHONE,
        citizen_name="测试",
        citizen_phone="13800000000",
    )
    case = Case.objects.get(pk=case.pk)
    if case.status == "received":
        handling.case_dispatch(case=case, lead_unit=category.default_unit, by=official)
    return case.pk


def check_timers(stopped_at, recovered_at):
    """After recovery, every timer due before `stopped_at` fired exactly once, none before its time, none
    due after the recovery round ended (`recovered_at`) fired; no escalation rung climbed twice; routed
    demands carry the due time their policy gives. A timer falling due while the recovery round runs may
    fire in it or in the next one: either is right, and the once-only and not-early checks still hold."""
    from django.db.models import Count

    from massline.cases.choices import ClockStage, EventKind
    from massline.cases.models import Case, CaseEvent
    from massline.cases.timelimits import policy_for, stage_due

    timers = {c.pk: c for c in Case.objects.filter(tracking_code__startswith="TIMER")}
    fired = {}
    early = during_run = 0
    for event in CaseEvent.objects.filter(case_id__in=timers, kind=EventKind.OVERDUE):
        fired[event.case_id] = fired.get(event.case_id, 0) + 1
        early += event.at < timers[event.case_id].due_sign_at
        during_run += event.at < stopped_at
    due = [pk for pk, c in timers.items() if c.due_sign_at <= stopped_at]
    not_due = [pk for pk, c in timers.items() if c.due_sign_at > recovered_at]
    climbed_twice = (
        CaseEvent.objects.filter(case_id__in=timers, kind=EventKind.ESCALATED)
        .values("case_id", "data__level")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    routed = list(Case.objects.filter(description__startswith="routed ").select_related("category"))
    wrong_due = sum(
        1
        for case in routed
        if case.dispatched_at is None
        or case.due_sign_at
        != stage_due(
            policy=policy_for(category=case.category, urgency=case.urgency),
            stage=ClockStage.SIGN,
            start=case.dispatched_at,
        )
    )
    return {
        "timers": len(timers),
        "timers_due": len(due),
        "timers_fired_before_recovery": during_run,
        "timers_fired_once": sum(1 for pk in due if fired.get(pk) == 1),
        "timers_fired_twice": sum(1 for n in fired.values() if n > 1),
        "timers_never_fired": sum(1 for pk in due if pk not in fired),
        "timers_fired_early": early,
        "timers_not_yet_due_fired": sum(1 for pk in not_due if pk in fired),
        "escalation_rungs_climbed_twice": climbed_twice,
        "routed_demands": len(routed),
        "routed_wrong_due_time": wrong_due,
    }


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    url = ensure_cluster()
    setup_django(url)
    api_key = prepare()
    seed_timers(TIMERS, args.seconds)
    routed_demand("before the faults")
    from django.db import connection

    connection.close()
    log = []
    with processes(url, args.workers) as (base, web, worker):
        box = [worker]
        injector = threading.Thread(target=faults, args=(web, box, url, log))
        injector.start()
        acknowledged, latencies, errors, elapsed = run_clients(
            base, api_key, seconds=args.seconds, clients=args.clients, retries=8
        )
        injector.join()
        time.sleep(2)  # the restarted worker seals the audit events
        box[0].terminate()
        box[0].wait(timeout=20)
    connection.close()
    # Recovery: one round of every periodic job, as the next worker's first tick does. The clock runs
    # every 30 s (cases.apps.CLOCK_INTERVAL), so timers due since its last round fire now, and those
    # that fired before the kills and the restart must not fire again.
    from django.utils import timezone

    stopped_at = timezone.now()
    subprocess.run(
        [sys.executable, "-m", "massline", "worker", "--once"],
        env=server_env(url), cwd=ROOT, capture_output=True, check=True,
    )  # fmt: skip
    recovered_at = timezone.now()
    routed_demand("after recovery")
    counts = check(acknowledged)
    counts.update(check_timers(stopped_at, recovered_at))
    verify = subprocess.run(
        [sys.executable, "-m", "massline", "audit", "verify", "--json"],
        env=server_env(url), cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    audit = json.loads(verify.stdout.strip().splitlines()[-1]) if verify.stdout.strip() else {"ok": False}
    ms = [s * 1000 for s in latencies]
    result = {
        "acknowledged": len(acknowledged),
        **counts,
        "audit_chain_ok": bool(audit.get("ok")),
        "faults": log,
        "requests": len(latencies),
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(percentile(ms, 0.5), 2),
        "p99_ms": round(percentile(ms, 0.99), 2),
        "errors": dict(errors),
    }
    write_result("crash", result)
    timers_wrong = (
        result["timers_never_fired"]
        + result["timers_fired_twice"]
        + result["timers_fired_early"]
        + result["timers_not_yet_due_fired"]
        + result["escalation_rungs_climbed_twice"]
        + result["routed_wrong_due_time"]
    )
    if result["lost"] or result["duplicates"] or not result["audit_chain_ok"] or timers_wrong:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
