"""Opinion-group snapshots (意见群组) computed from a consultation's votes."""

import time

import numpy as np
from django.db import transaction
from django.utils import timezone

from massline.audit.services import audit_record

from ..choices import (
    StatementStatus,
)
from ..groups import GroupState, compute_groups
from ..models import (
    Consultation,
    OpinionGroupResult,
    Statement,
    Vote,
)

# --- opinion groups --------------------------------------------------------------------------------


def vote_matrix(*, consultation):
    """(matrix, participant ids, statement ids, excluded statement ids) of one consultation's votes."""
    statements = list(
        Statement.objects.filter(consultation=consultation)
        .exclude(status=StatementStatus.PENDING)
        .order_by("id")
        .values_list("pk", "status")
    )
    statement_ids = [pk for pk, _status in statements]
    excluded = [pk for pk, status in statements if status == StatementStatus.REJECTED]
    rows = Vote.objects.filter(consultation=consultation, statement_id__in=statement_ids).values_list(
        "participant_id", "statement_id", "stance"
    )
    votes = np.array(list(rows), dtype=np.int64).reshape(-1, 3)
    participant_ids = sorted(set(votes[:, 0].tolist())) if len(votes) else []
    matrix = np.full((len(participant_ids), len(statement_ids)), np.nan)
    if len(votes):
        p_index = {pk: i for i, pk in enumerate(participant_ids)}
        s_index = {pk: i for i, pk in enumerate(statement_ids)}
        matrix[[p_index[p] for p in votes[:, 0]], [s_index[s] for s in votes[:, 1]]] = votes[:, 2]
    return matrix, participant_ids, statement_ids, excluded


def groups_compute(*, consultation, now=None):
    """Recompute the opinion groups of `consultation` and store a new snapshot (意见群组)."""
    now = now or timezone.now()
    started = time.perf_counter()
    # Clear the flag first: votes arriving during the computation set it again for the next run.
    Consultation.objects.filter(pk=consultation.pk).update(groups_stale=False)
    matrix, participant_ids, statement_ids, excluded = vote_matrix(consultation=consultation)
    previous = (
        OpinionGroupResult.objects.filter(consultation=consultation).order_by("-computed_at", "-id").first()
    )
    state = GroupState.from_dict(previous.data.get("state")) if previous else None
    result = compute_groups(
        matrix, participant_keys=participant_ids, statement_keys=statement_ids, excluded=excluded, state=state
    )
    seconds = time.perf_counter() - started
    groups = []
    for g in range(result.k):
        members = result.labels == g
        groups.append(
            {
                "id": g,
                "size": int(members.sum()),
                "centre": [round(float(v), 4) for v in result.positions[members].mean(axis=0)],
                "repness": [{**row, "statement": int(row["statement"])} for row in result.repness.get(g, [])],
            }
        )
    participants = {
        str(pk): [int(label), round(float(x), 4), round(float(y), 4)]
        for pk, label, (x, y), grouped in zip(
            participant_ids, result.labels, result.positions, result.grouped, strict=True
        )
        if grouped
    }
    data = {
        "groups": groups,
        "participants": participants,
        "consensus": {
            d: [{**row, "statement": int(row["statement"])} for row in rows]
            for d, rows in result.consensus.items()
        },
        "group_consensus": {str(k): v for k, v in result.group_consensus.items()},
        "extremity": {str(k): v for k, v in result.extremity.items()},
        "silhouettes": {str(k): v for k, v in result.silhouettes.items()},
        "state": result.state.as_dict(),
    }
    with transaction.atomic():
        snapshot_row = OpinionGroupResult.objects.create(
            consultation=consultation,
            computed_at=now,
            vote_count=int((~np.isnan(matrix)).sum()),
            participant_count=len(participants),
            group_count=result.k,
            seconds=round(seconds, 4),
            data=data,
        )
        audit_record(
            action="consultation.groups_compute",
            obj=consultation,
            details={"result": snapshot_row.pk, "groups": result.k, "participants": len(participants)},
        )
    return snapshot_row
