"""Import of a Pol.is open-data export (comments.csv with votes.csv or participants-votes.csv) as a closed
consultation, and the export of its opinion groups keyed by Pol.is participant id."""

import csv
from datetime import UTC, datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from massline.audit.services import audit_record
from massline.lib.errors import DomainError
from massline.org.choices import UnitKind
from massline.org.models import Unit
from massline.org.services import unit_create

from .choices import ConsultationSource, ConsultationStatus, Participation, StatementStatus
from .models import Consultation, OpinionGroupResult, Participant, Section, Statement, Vote

# The unit that owns imported conversations when the command names none.
IMPORT_UNIT_CODE = "polis-import"
BATCH = 5000


def _read(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _summary(directory):
    path = directory / "summary.csv"
    if not path.exists():
        return {}
    with open(path, newline="", encoding="utf-8") as handle:
        return {row[0]: row[1] for row in csv.reader(handle) if len(row) >= 2}


def read_votes(directory):
    """{(voter id, comment id): (vote, timestamp ms)} — from votes.csv (the latest vote of each pair wins),
    else from the participants-votes.csv matrix. Vote signs as exported: agree 1, disagree −1, pass 0."""
    directory = Path(directory)
    votes = {}
    if (directory / "votes.csv").exists():
        for row in _read(directory / "votes.csv"):
            key = (row["voter-id"], int(row["comment-id"]))
            stamp = int(row["timestamp"] or 0)
            if key not in votes or stamp >= votes[key][1]:
                votes[key] = (int(row["vote"]), stamp)
        return votes
    if (directory / "participants-votes.csv").exists():
        with open(directory / "participants-votes.csv", newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            columns = [(i, int(name)) for i, name in enumerate(header) if name.isdigit()]
            who = header.index("participant")
            for row in reader:
                for i, comment in columns:
                    if i < len(row) and row[i] != "":
                        votes[(row[who], comment)] = (int(float(row[i])), 0)
        return votes
    raise DomainError(
        _("%(dir)s has neither votes.csv nor participants-votes.csv: export the conversation with its votes.")
        % {"dir": directory},
        code="polis_no_votes",
    )


def read_polis_groups(directory):
    """{Pol.is participant id: Pol.is group id} of participants Pol.is grouped (participants-votes.csv)."""
    path = Path(directory) / "participants-votes.csv"
    if not path.exists():
        return {}
    return {row["participant"]: int(row["group-id"]) for row in _read(path) if row.get("group-id", "") != ""}


def _import_unit(unit_code):
    if unit_code:
        unit = Unit.objects.filter(code=unit_code).first()
        if unit is None:
            raise DomainError(
                _("There is no unit with code %(code)s: give an existing unit's code.") % {"code": unit_code}
            )
        return unit
    unit = Unit.objects.filter(code=IMPORT_UNIT_CODE).first()
    return unit or unit_create(
        code=IMPORT_UNIT_CODE, name="Pol.is 导入", name_en="Pol.is imports", kind=UnitKind.CENTRE, by=None
    )


@transaction.atomic
def polis_import(*, directory, unit_code="", by=None):
    """Load a Pol.is export as a closed consultation with its statements, participants and votes."""
    directory = Path(directory)
    if not (directory / "comments.csv").exists():
        raise DomainError(
            _("%(dir)s has no comments.csv: point the import at one conversation's export folder.")
            % {"dir": directory},
            code="polis_no_comments",
        )
    comments = _read(directory / "comments.csv")
    votes = read_votes(directory)
    summary = _summary(directory)
    unit = _import_unit(unit_code)
    stamps = [stamp for _vote, stamp in votes.values() if stamp] + [
        int(row["timestamp"]) for row in comments if row.get("timestamp")
    ]
    first = datetime.fromtimestamp(min(stamps) / 1000, tz=UTC) if stamps else timezone.now()
    last = datetime.fromtimestamp(max(stamps) / 1000, tz=UTC) if stamps else timezone.now()
    title = (summary.get("topic") or directory.name)[:200]
    consultation = Consultation.objects.create(
        title=title,
        summary=summary.get("conversation-description") or title,
        unit=unit,
        status=ConsultationStatus.CLOSED,
        participation=Participation.ANONYMOUS,
        source=ConsultationSource.POLIS,
        source_url=summary.get("url", "")[:200],
        opens_at=first,
        closes_at=last,
        closed_at=last,
        created_by=by,
        groups_stale=True,
    )
    Section.objects.create(consultation=consultation, position=1, title=title, body=consultation.summary)
    voter_ids = sorted({voter for voter, _comment in votes}, key=lambda v: (len(v), v))
    Participant.objects.bulk_create(
        [Participant(consultation=consultation, polis_id=voter) for voter in voter_ids], batch_size=BATCH
    )
    participants = dict(Participant.objects.filter(consultation=consultation).values_list("polis_id", "pk"))
    statuses = {"-1": StatementStatus.REJECTED}
    Statement.objects.bulk_create(
        [
            Statement(
                consultation=consultation,
                text=row["comment-body"],
                status=statuses.get(row.get("moderated", "1").strip(), StatementStatus.ACCEPTED),
                polis_id=int(row["comment-id"]),
                author_id=participants.get(row.get("author-id", "")),
            )
            for row in comments
        ],
        batch_size=BATCH,
    )
    statements = dict(Statement.objects.filter(consultation=consultation).values_list("polis_id", "pk"))
    rows = [
        Vote(
            consultation=consultation,
            statement_id=statements[comment],
            participant_id=participants[voter],
            stance=max(-1, min(1, vote)),
        )
        for (voter, comment), (vote, _stamp) in votes.items()
        if comment in statements
    ]
    Vote.objects.bulk_create(rows, batch_size=BATCH)
    audit_record(
        action="consultation.import_polis",
        obj=consultation,
        actor=by,
        details={
            "directory": directory.name,
            "statements": len(statements),
            "participants": len(participants),
            "votes": len(rows),
        },
    )
    return consultation


def polis_groups_export(*, consultation):
    """{"groups": [...], "participants": {"<Pol.is participant id>": group number}} of the latest snapshot."""
    result = (
        OpinionGroupResult.objects.filter(consultation=consultation).order_by("-computed_at", "-id").first()
    )
    if result is None:
        return {"groups": [], "participants": {}}
    polis_ids = dict(
        Participant.objects.filter(consultation=consultation)
        .exclude(polis_id="")
        .values_list("pk", "polis_id")
    )
    statement_polis = dict(Statement.objects.filter(consultation=consultation).values_list("pk", "polis_id"))
    groups = [
        {
            "group": group["id"],
            "size": group["size"],
            "centre": group["centre"],
            "representative": [
                {**row, "statement": statement_polis.get(row["statement"]) or row["statement"]}
                for row in group["repness"]
            ],
        }
        for group in result.data["groups"]
    ]
    participants = {
        polis_ids.get(int(pk), pk): values[0] for pk, values in result.data["participants"].items()
    }
    return {
        "consultation": consultation.pk,
        "computed_at": result.computed_at.isoformat(),
        "seconds": result.seconds,
        "groups": groups,
        "participants": participants,
    }
