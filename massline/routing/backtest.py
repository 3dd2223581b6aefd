"""The category backtest a centre runs on its own history before trusting the model (回测): train on the
oldest demands, test on the newest, and report the model beside the plain TF-IDF + LinearSVC baseline."""

import random
import time
from collections import Counter, defaultdict

from django.utils.translation import gettext as _
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from threadpoolctl import threadpool_limits

from massline.lib.errors import DomainError

from .tabular import parse_time, read_table, strip_form_questions
from .textmodel import BaselineClassifier, TextClassifier

MIN_TRAIN = 20
FIGURES = (
    "macro_f1",
    "accuracy",
    "top3_accuracy",
    "predictions_per_second",
    "predictions_per_second_wall",
    "fit_seconds",
)
MIN_CLASSES = 2


def split_rows(texts, labels, times, *, test_fraction, seed=0):
    """Indexes of the training and the test rows: by time (the newest as test) where times exist, else a
    split stratified by label that keeps single-example labels in training."""
    n = len(texts)
    if times is not None:
        order = sorted(range(n), key=lambda i: times[i])
        cut = n - max(1, round(n * test_fraction))
        return order[:cut], order[cut:]
    by_label = defaultdict(list)
    for i, label in enumerate(labels):
        by_label[label].append(i)
    rng = random.Random(seed)  # noqa: S311 - a reproducible split, not a secret
    train, test = [], []
    for indexes in by_label.values():
        rng.shuffle(indexes)
        k = round(len(indexes) * test_fraction) if len(indexes) > 1 else 0
        test += indexes[:k]
        train += indexes[k:]
    return sorted(train), sorted(test)


def evaluate(model, texts, labels):
    """Macro-F1 over the labels present in the test slice, accuracy, top-3 accuracy, per-label precision."""
    with threadpool_limits(1):  # one core: the figure must not borrow a second one
        started, cpu = time.perf_counter(), time.process_time()
        top = model.predict_top(texts, k=3)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    predicted = [t[0][0] for t in top]
    present = sorted(set(labels))
    precision, recall, f1, support = precision_recall_fscore_support(
        labels, predicted, labels=present, zero_division=0
    )
    return {
        "macro_f1": round(
            float(f1_score(labels, predicted, labels=present, average="macro", zero_division=0)), 4
        ),
        "accuracy": round(float(accuracy_score(labels, predicted)), 4),
        "top3_accuracy": round(
            sum(y in {c for c, _ in t} for y, t in zip(labels, top, strict=True)) / len(labels), 4
        ),
        # Per second of this process's CPU on one thread (the machine may be shared: wall time beside it).
        "predictions_per_second": round(len(texts) / cpu, 1) if cpu else None,
        "predictions_per_second_wall": round(len(texts) / seconds, 1) if seconds else None,
        "fit_seconds": round(model.fit_seconds, 2),
        "per_label": {
            label: {
                "precision": round(float(p), 4),
                "recall": round(float(r), 4),
                "f1": round(float(f), 4),
                "n": int(s),
            }
            for label, p, r, f, s in zip(present, precision, recall, f1, support, strict=True)
        },
        "_top": top,
    }


def single_predictions(model, texts, repeats=500):
    """One demand at a time, as the intake form asks: the median wall milliseconds of one prediction, and
    predictions per CPU second on one thread."""
    sample = texts[:repeats]
    times = []
    with threadpool_limits(1):
        cpu = time.process_time()
        for text in sample:
            started = time.perf_counter()
            model.predict_top([text], k=3)
            times.append(time.perf_counter() - started)
        cpu = time.process_time() - cpu
    times.sort()
    if not times:
        return {"single_prediction_ms": None, "single_predictions_per_second": None}
    return {
        "single_prediction_ms": round(times[len(times) // 2] * 1000, 3),
        "single_predictions_per_second": round(len(sample) / cpu, 1) if cpu else None,
    }


def confidence_calibration(top, labels, bins=(0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.01)):
    """For each confidence band of the first suggestion: how many, and how often it was right."""
    bands = []
    for low, high in zip(bins, bins[1:], strict=False):
        hits = [y == t[0][0] for y, t in zip(labels, top, strict=True) if low <= t[0][1] < high]
        if hits:
            bands.append(
                {
                    "from": low,
                    "to": min(high, 1.0),
                    "n": len(hits),
                    "accuracy": round(sum(hits) / len(hits), 4),
                }
            )
    return bands


def load_examples(path, *, text_columns, label_column, time_column=None, strip_questions=False):
    columns = list(dict.fromkeys([*text_columns, label_column] + ([time_column] if time_column else [])))
    table = read_table(path, columns=columns)
    texts, labels, times = [], [], []
    for row in table.rows:
        label = row[label_column].strip()
        fields = tuple(row[c].strip() for c in text_columns)
        if strip_questions:
            fields = tuple(strip_form_questions(f) for f in fields)
        if not label:
            table.skip("no label")
            continue
        if not any(f.strip() for f in fields):
            table.skip("no text")
            continue
        when = None
        if time_column:
            when = parse_time(row[time_column])
            if when is None:
                table.skip("unreadable time")
                continue
        texts.append(fields)
        labels.append(label)
        times.append(when)
    return texts, labels, (times if time_column else None), table.skipped


def category_backtest(
    path,
    *,
    text_columns,
    label_column,
    time_column=None,
    test_fraction=0.2,
    strip_questions=False,
    model_options=None,
):
    """Train and test the model and the baseline on one file; returns the figures (a JSON-ready dict)."""
    if not 0 < test_fraction < 1:
        raise DomainError(_("--test-fraction must be between 0 and 1, for example 0.2."))
    texts, labels, times, skipped = load_examples(
        path,
        text_columns=text_columns,
        label_column=label_column,
        time_column=time_column,
        strip_questions=strip_questions,
    )
    train, test = split_rows(texts, labels, times, test_fraction=test_fraction)
    train_labels = Counter(labels[i] for i in train)
    if len(train) < MIN_TRAIN or len(train_labels) < MIN_CLASSES or not test:
        raise DomainError(
            _(
                "Too little history to backtest: %(train)s training rows in %(classes)s categories and "
                "%(test)s test rows (at least %(min)s rows in two categories are needed). Routing stays with "
                "people."
            )
            % {"train": len(train), "classes": len(train_labels), "test": len(test), "min": MIN_TRAIN}
        )
    x_train, y_train = [texts[i] for i in train], [labels[i] for i in train]
    x_test, y_test = [texts[i] for i in test], [labels[i] for i in test]
    t_train = [times[i] for i in train] if times is not None else None
    model = TextClassifier(**(model_options or {})).fit(x_train, y_train, t_train)
    ours = evaluate(model, x_test, y_test)
    baseline = evaluate(BaselineClassifier().fit(x_train, y_train), x_test, y_test)
    result = {
        "file": str(path),
        "split": "time" if times is not None else "stratified",
        "model": model.kind,
        "n_train": len(train),
        "n_test": len(test),
        "n_labels": len(set(labels)),
        "test_labels_unseen_in_training": sorted(set(y_test) - set(train_labels)),
        "rows_skipped": skipped,
    }
    for key in FIGURES:
        result[key] = ours[key]
    result.update(single_predictions(model, x_test))
    for key in FIGURES:
        result[f"baseline_{key}"] = baseline[key]
    result["macro_f1_gain"] = round(ours["macro_f1"] - baseline["macro_f1"], 4)
    result["confidence_bands"] = confidence_calibration(ours["_top"], y_test)
    result["per_label"] = ours["per_label"]
    return result


def table_lines(result):
    """The readable table printed beside (or instead of) the JSON."""
    lines = [
        _(
            "Backtest of %(file)s (%(split)s split): %(train)s training rows, %(test)s test rows, "
            "%(labels)s labels"
        )
        % {
            "file": result["file"],
            "split": result["split"],
            "train": result["n_train"],
            "test": result["n_test"],
            "labels": result["n_labels"],
        },
        f"{'':24}{_('model'):>12}{_('baseline'):>12}",
    ]
    for key in FIGURES:
        lines.append(f"{key:24}{result[key]!s:>12}{result['baseline_' + key]!s:>12}")
    for key in ("single_prediction_ms", "single_predictions_per_second"):
        lines.append(f"{key:24}{result[key]!s:>12}")
    lines.append("")
    lines.append(f"{_('label'):30}{'precision':>10}{'recall':>10}{'f1':>8}{'n':>7}")
    for label, figures in sorted(result["per_label"].items(), key=lambda kv: -kv[1]["n"]):
        lines.append(
            f"{label[:30]:30}{figures['precision']:>10}{figures['recall']:>10}{figures['f1']:>8}{figures['n']:>7}"
        )
    if result["rows_skipped"]:
        lines.append(_("Rows skipped: %(skipped)s") % {"skipped": result["rows_skipped"]})
    return lines
