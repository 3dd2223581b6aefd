"""Import of Pol.is exports and the `massline consultations` command, on a tiny export and a real slice."""

import csv
import io
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from sklearn.metrics import adjusted_rand_score

from massline.consultations.choices import ConsultationSource, ConsultationStatus, StatementStatus
from massline.consultations.models import Consultation, Vote
from massline.consultations.polis import read_polis_groups

pytestmark = pytest.mark.django_db

POLIS_DATA = Path(settings.BASE_DIR).parent / "shared" / "data" / "polis"


def write_export(directory, *, with_votes_csv=True, n_per_camp=12, n_comments=10):
    """Two camps voting opposite ways; comment 9 is moderated out; participants-votes carries group-id."""
    rng = np.random.default_rng(7)
    directory.mkdir()
    with open(directory / "comments.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "timestamp",
                "datetime",
                "comment-id",
                "author-id",
                "agrees",
                "disagrees",
                "moderated",
                "comment-body",
            ]
        )
        for c in range(n_comments):
            writer.writerow([1500000000000 + c, "", c, 0, 0, 0, -1 if c == 9 else 1, f"Statement {c} =1+1"])
    votes, matrix = [], {}
    for p in range(2 * n_per_camp):
        camp = p // n_per_camp
        for c in range(n_comments):
            if rng.random() < 0.15:
                continue
            vote = (1 if c % 2 == 0 else -1) * (1 if camp == 0 else -1)
            votes.append((1500000001000 + p * 100 + c, c, p, vote))
            matrix[(p, c)] = vote
    # A changed mind: the later vote wins.
    votes.append((1400000000000, 0, 0, -1 if matrix.get((0, 0), 1) == 1 else 1))
    if with_votes_csv:
        with open(directory / "votes.csv", "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["timestamp", "datetime", "comment-id", "voter-id", "vote"])
            for stamp, c, p, vote in votes:
                writer.writerow([stamp, "", c, p, vote])
    with open(directory / "participants-votes.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"]
            + list(range(n_comments))
        )
        for p in range(2 * n_per_camp):
            cells = [matrix.get((p, c), "") for c in range(n_comments)]
            writer.writerow([p, p // n_per_camp, 0, 0, 0, 0] + cells)
    (directory / "summary.csv").write_text("topic,Tiny test\nurl,https://pol.is/test\n")
    return directory


def run(*args):
    out = io.StringIO()
    call_command("consultations", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("with_votes_csv", [True, False])
def test_an_export_imports_as_a_closed_consultation_and_its_groups_match(tmp_path, org, with_votes_csv):
    directory = write_export(tmp_path / "tiny", with_votes_csv=with_votes_csv)
    created = json.loads(run("import-polis", str(directory), "--json"))
    consultation = Consultation.objects.get(pk=created["id"])
    assert consultation.status == ConsultationStatus.CLOSED
    assert consultation.source == ConsultationSource.POLIS and consultation.title == "Tiny test"
    assert consultation.statements.count() == 10
    assert consultation.statements.get(polis_id=9).status == StatementStatus.REJECTED
    assert consultation.statements.get(polis_id=3).text == "Statement 3 =1+1"
    assert consultation.participants.count() == 24
    output = json.loads(run("groups", str(consultation.pk), "--json"))
    assert set(output) == {"groups", "participants"}
    assert len(output["groups"]) == 2
    theirs = read_polis_groups(directory)
    with open(directory / "participants-votes.csv") as handle:
        active = {
            row["participant"]
            for row in csv.DictReader(handle)
            if sum(row[str(c)] != "" for c in range(10)) >= 7
        }
    assert set(output["participants"]) == active  # grouped once they voted on 7 statements
    both = sorted(set(output["participants"]) & set(theirs))
    assert adjusted_rand_score([theirs[p] for p in both], [output["participants"][p] for p in both]) == 1.0


def test_the_latest_vote_of_a_participant_wins(tmp_path, org):
    directory = write_export(tmp_path / "tiny")
    consultation = Consultation.objects.get(pk=int(run("import-polis", str(directory))))
    with open(directory / "participants-votes.csv") as handle:
        first = next(csv.DictReader(handle))
    vote = Vote.objects.get(consultation=consultation, participant__polis_id="0", statement__polis_id=0)
    assert str(vote.stance) == first["0"]


def test_a_folder_without_votes_is_refused_with_what_to_do(tmp_path, org):
    directory = tmp_path / "empty"
    directory.mkdir()
    (directory / "comments.csv").write_text(
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
    )
    with pytest.raises(CommandError, match="votes"):
        run("import-polis", str(directory))
    assert not Consultation.objects.exists()


def test_groups_of_an_unknown_consultation_are_refused(org):
    with pytest.raises(CommandError):
        run("groups", "999")


@pytest.mark.skipif(not (POLIS_DATA / "scoop-hivemind.taxes").exists(), reason="Pol.is open data not present")
def test_a_real_conversation_agrees_with_polis_groups(tmp_path, org):
    """scoop-hivemind.taxes (334 participants) from its participants-votes.csv: ARI with Pol.is ≥ 0.8."""
    source = POLIS_DATA / "scoop-hivemind.taxes"
    directory = tmp_path / "taxes"
    directory.mkdir()
    for name in ("comments.csv", "participants-votes.csv", "summary.csv"):
        shutil.copy(source / name, directory / name)
    consultation_id = json.loads(run("import-polis", str(directory), "--json"))["id"]
    ours = json.loads(run("groups", str(consultation_id), "--json"))["participants"]
    theirs = read_polis_groups(directory)
    both = sorted(set(ours) & set(theirs))
    assert len(both) > 250
    assert adjusted_rand_score([theirs[p] for p in both], [ours[p] for p in both]) >= 0.8
