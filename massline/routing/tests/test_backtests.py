"""The two backtest commands on small files the tests write: the documented JSON keys, time and stratified
splits, CSV.gz, and clear refusals of bad input (missing columns, too little history, broken rows)."""

import csv
import gzip
import io
import json
import random

import pytest
from django.core.management import CommandError, call_command

from massline.routing.tabular import strip_form_questions

TOPICS = {
    "路灯": [
        "路灯不亮",
        "路灯坏了很久",
        "晚上路灯一直不亮",
        "street light is out",
        "lamp post dark at night",
    ],
    "噪音": ["夜间施工噪音扰民", "广场舞噪音太大", "工地噪音吵得睡不着", "loud construction noise at night"],
    "供水": ["小区停水三天", "自来水发黄", "水压太低没有水", "no water since monday", "tap water is brown"],
}
KEYS = (
    "macro_f1",
    "accuracy",
    "top3_accuracy",
    "predictions_per_second",
    "fit_seconds",
    "n_train",
    "n_test",
)


def write_messages(path, n=90, *, gz=False, extra_rows=()):
    rng = random.Random(1)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "title", "detail", "when", "category"])
    for i in range(n):
        label = list(TOPICS)[i % 3]
        phrase = rng.choice(TOPICS[label])
        writer.writerow(
            [
                i,
                phrase,
                f"{phrase}，请尽快处理。 {rng.choice(['谢谢', 'please help', ''])}",
                f"2020/1/{1 + i % 28} 10:{i % 60:02d}:00",
                label,
            ]
        )
    for row in extra_rows:
        writer.writerow(row)
    data = buffer.getvalue().encode("utf-8")
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def run(*args):
    out = io.StringIO()
    call_command("routing", "backtest", *args, stdout=out)
    return out.getvalue()


def test_the_category_backtest_prints_the_model_and_the_baseline_in_one_json(tmp_path):
    path = write_messages(tmp_path / "messages.csv")
    result = json.loads(
        run(str(path), "--text", "title,detail", "--label", "category", "--time", "when", "--json")
    )
    assert all(key in result for key in KEYS)
    assert all(f"baseline_{key}" in result for key in KEYS[:5])
    assert result["split"] == "time"
    assert result["n_train"] == 72 and result["n_test"] == 18
    assert result["macro_f1"] > 0.8 and result["top3_accuracy"] == 1.0
    assert result["confidence_bands"]


def test_without_a_time_column_the_split_is_stratified_and_gzip_is_read(tmp_path):
    path = write_messages(tmp_path / "messages.csv.gz", gz=True)
    result = json.loads(
        run(str(path), "--text", "title", "--label", "category", "--test-fraction", "0.3", "--json")
    )
    assert result["split"] == "stratified"
    assert result["n_test"] == 27


def test_the_readable_table_names_both_models(tmp_path):
    path = write_messages(tmp_path / "messages.csv")
    text = run(str(path), "--text", "title", "--label", "category")
    assert "baseline" in text and "macro_f1" in text and "路灯" in text


def test_bad_rows_empty_text_and_a_one_example_label_are_counted_not_fatal(tmp_path):
    extra = [
        ["x1", "", "", "2020/2/1 10:00:00", "路灯"],
        ["x2", "井盖丢了", "", "2019/1/1 10:00:00", "井盖"],
        ["x3", "t", "d", "not a date", "路灯"],
    ]
    path = write_messages(tmp_path / "messages.csv", extra_rows=extra)
    result = json.loads(
        run(str(path), "--text", "title,detail", "--label", "category", "--time", "when", "--json")
    )
    assert result["rows_skipped"] == {"no text": 1, "unreadable time": 1}
    assert result["n_labels"] == 4


def test_a_missing_column_is_refused_naming_the_columns_there_are(tmp_path):
    path = write_messages(tmp_path / "messages.csv")
    with pytest.raises(CommandError, match="no column 一级分类.*id, title, detail, when, category"):
        run(str(path), "--text", "title", "--label", "一级分类")


def test_too_little_history_says_routing_stays_with_people(tmp_path):
    path = write_messages(tmp_path / "messages.csv", n=10)
    with pytest.raises(CommandError, match="Too little history"):
        run(str(path), "--text", "title", "--label", "category")


def test_a_file_that_does_not_exist_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot open"):
        run(str(tmp_path / "nothing.csv"), "--text", "title", "--label", "category")


def test_form_questions_are_stripped_and_the_answers_kept():
    text = (
        "What is the nearest cross street? Main St | Type of vehicle: Bus | Please provide details: blocking"
    )
    assert strip_form_questions(text) == "Main St | Bus | blocking"
    assert strip_form_questions("The light is out") == "The light is out"


REQUEST_HEADER = [
    "service_request_id",
    "status",
    "service_name",
    "description",
    "requested_datetime",
    "lat",
    "long",
]


def write_requests(tmp_path):
    rows = [
        # the original pothole, a near unrelated request, a far pothole, then the duplicate of the first
        [
            "1",
            "open",
            "Pothole",
            "big pothole in front of number 5",
            "2017-01-01T10:00:00-05:00",
            "42.3500",
            "-71.0600",
        ],
        [
            "2",
            "open",
            "Graffiti",
            "graffiti on the wall",
            "2017-01-02T10:00:00-05:00",
            "42.35001",
            "-71.06001",
        ],
        ["3", "open", "Pothole", "pothole", "2017-01-02T11:00:00-05:00", "42.4000", "-71.1000"],
        [
            "4",
            "closed",
            "Pothole",
            "big pothole in front of number 5 still there",
            "2017-01-03T10:00:00-05:00",
            "42.35005",
            "-71.06005",
        ],
        ["5", "closed", "Pothole", "pothole again", "2017-03-03T10:00:00-05:00", "42.3500", "-71.0600"],
        ["6", "closed", "Pothole", "original not in the feed", "2017-01-04T10:00:00-05:00", "", ""],
    ]
    requests = tmp_path / "requests.csv"
    with requests.open("w", newline="") as f:
        csv.writer(f).writerows([REQUEST_HEADER, *rows])
    gold = tmp_path / "gold.csv"
    with gold.open("w", newline="") as f:
        csv.writer(f).writerows(
            [["service_request_id", "referenced_case_id"], ["4", "1"], ["5", "1"], ["6", "999"], ["2", ""]]
        )
    return requests, gold


def test_the_duplicate_backtest_ranks_the_named_original_and_reports_the_baseline(tmp_path):
    requests, gold = write_requests(tmp_path)
    out = io.StringIO()
    call_command("duplicates", "backtest", str(requests), "--gold", str(gold), "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["duplicates_named"] == 3 and result["answerable"] == 2
    # Request 5 comes two months later: outside the 30-day window, so not covered.
    assert result["coverage"] == 0.5
    assert result["recall_at_1"] == 0.5 and result["baseline_recall_at_1"] == 0.0
    for key in (
        "recall_at_5",
        "recall_at_10",
        "queries_per_second",
        "baseline_recall_at_5",
        "baseline_recall_at_10",
    ):
        assert key in result


def test_a_gold_file_without_answerable_duplicates_is_a_clear_error(tmp_path):
    requests, _gold = write_requests(tmp_path)
    gold = tmp_path / "other.csv"
    gold.write_text("service_request_id,referenced_case_id\n4,12345\n")
    with pytest.raises(CommandError, match="nothing to measure"):
        call_command("duplicates", "backtest", str(requests), "--gold", str(gold))
