"""Opinion groups against Pol.is's own: import every conversation of the open data that has votes, compute
Massline's groups, and report the adjusted Rand index with Pol.is's `group-id` and the time taken.

    python -m bench.polis_groups [DATA_DIR]

Only participants that both Pol.is and Massline grouped are compared. Writes bench/results/polis_groups.json.
"""

import sys
import time
from pathlib import Path

from bench.common import ROOT, bench_database_url, setup_django, write_result

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "polis"


def has_votes(directory):
    return (directory / "comments.csv").exists() and (
        (directory / "votes.csv").exists() or (directory / "participants-votes.csv").exists()
    )


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    data = Path(argv[0]) if argv else DEFAULT_DATA
    vendor = setup_django(bench_database_url())
    from sklearn.metrics import adjusted_rand_score

    from massline.consultations.models import Vote
    from massline.consultations.polis import polis_groups_export, polis_import, read_polis_groups
    from massline.consultations.services import groups_compute

    conversations = []
    for directory in sorted(p for p in data.iterdir() if p.is_dir() and has_votes(p)):
        started = time.perf_counter()
        consultation = polis_import(directory=directory)
        import_seconds = time.perf_counter() - started
        started = time.perf_counter()
        groups_compute(consultation=consultation)
        group_seconds = time.perf_counter() - started
        ours = polis_groups_export(consultation=consultation)["participants"]
        theirs = read_polis_groups(directory)
        both = sorted(set(ours) & set(theirs))
        ari = adjusted_rand_score([theirs[p] for p in both], [ours[p] for p in both]) if both else None
        row = {
            "conversation": directory.name,
            "votes_from": "votes.csv" if (directory / "votes.csv").exists() else "participants-votes.csv",
            "participants": consultation.participants.count(),
            "statements": consultation.statements.count(),
            "votes": Vote.objects.filter(consultation=consultation).count(),
            "polis_groups": len(set(theirs.values())),
            "massline_groups": len(set(ours.values())),
            "compared_participants": len(both),
            "adjusted_rand_index": None if ari is None else round(float(ari), 3),
            "import_seconds": round(import_seconds, 2),
            "groups_seconds": round(group_seconds, 3),
        }
        conversations.append(row)
        print(
            f"{row['conversation']:48s} participants={row['participants']:5d} "
            f"statements={row['statements']:5d} "
            f"groups polis/massline={row['polis_groups']}/{row['massline_groups']} "
            f"ARI={row['adjusted_rand_index']} groups in {row['groups_seconds']} s",
            flush=True,
        )
    largest = max(conversations, key=lambda r: r["votes"])
    scored = [r["adjusted_rand_index"] for r in conversations if r["adjusted_rand_index"] is not None]
    result = {
        "database": vendor,
        "conversations": conversations,
        "mean_adjusted_rand_index": round(sum(scored) / len(scored), 3) if scored else None,
        "median_adjusted_rand_index": round(sorted(scored)[len(scored) // 2], 3) if scored else None,
        "largest": {
            "conversation": largest["conversation"],
            "votes": largest["votes"],
            "participants": largest["participants"],
            "statements": largest["statements"],
            "groups_seconds": largest["groups_seconds"],
        },
    }
    print(
        f"largest conversation {largest['conversation']} ({largest['votes']} votes): "
        f"groups computed in {largest['groups_seconds']} s"
    )
    write_result("polis_groups", result)


if __name__ == "__main__":
    main()
