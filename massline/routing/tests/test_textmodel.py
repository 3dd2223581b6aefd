"""The text model's features and its behaviour on bad input (empty, one word, unknown scripts)."""

import pickle
from datetime import UTC, datetime, timedelta

import numpy as np

from massline.routing.textmodel import GramFeatures, TextClassifier, char_gram_buckets, recency_weights


def test_character_grams_are_counted_per_text_and_never_across_two():
    rows, buckets = char_gram_buckets(["abc", "ab"], longest=2)
    # abc: a b c ab bc (5); ab: a b ab (3); no "ca" or "cab" across the two texts.
    assert sorted(rows.tolist()) == [0, 0, 0, 0, 0, 1, 1, 1]
    pairs = list(zip(rows.tolist(), buckets.tolist(), strict=True))
    same = {b for r, b in pairs if r == 1}
    assert len(same) == 3 and same <= {b for r, b in pairs if r == 0}
    assert char_gram_buckets(["", ""])[0].size == 0


def test_the_hash_is_the_same_in_every_process():
    # Fixed arithmetic (not Python's salted hash): a pickled model means the same after a restart.
    _rows, buckets = char_gram_buckets(["路"], longest=1)
    again = char_gram_buckets(["x路"], longest=1)[1]
    assert buckets[0] == again[1]
    h = 0x8DEF + 1  # the code point of 路, plus the gram length
    assert int(buckets[0]) == (((h ^ (h >> 31)) * 0xBF58476D1CE4E5B9) % 2**64) >> 44


def test_features_have_unit_length_and_a_pickled_copy_predicts_the_same():
    features = GramFeatures().fit(["路灯不亮", "路灯坏了", "噪音扰民", "噪音太大"])
    x = features.transform(["路灯不亮了", ""]).toarray()
    assert abs(np.linalg.norm(x[0]) - 1.0) < 1e-5 and np.linalg.norm(x[1]) == 0
    model = TextClassifier().fit(
        [("路灯不亮", "小区门口"), ("路灯坏了", "一周"), ("噪音扰民", "夜里"), ("噪音太大", "广场")] * 3,
        ["lights", "lights", "noise", "noise"] * 3,
    )
    copy = pickle.loads(pickle.dumps(model))  # noqa: S301 - our own object
    assert copy.predict_top([("路灯不亮了", "")]) == model.predict_top([("路灯不亮了", "")])
    assert model.predict_top([("路灯不亮了", "")])[0][0][0] == "lights"


def test_empty_one_word_and_unknown_script_texts_get_an_answer_not_a_crash():
    model = TextClassifier().fit(
        ["street light out", "light broken", "loud music", "noise at night"] * 3,
        ["lights", "lights", "noise", "noise"] * 3,
    )
    for text in ["", "light", "Straßenlaterne kaputt", "가로등 고장", ("", "")]:
        top = model.predict_top([text])[0]
        assert {label for label, _p in top} == {"lights", "noise"}
        assert abs(sum(p for _l, p in top) - 1.0) < 1e-6


def test_recent_demands_weigh_more():
    now = datetime(2026, 12, 31, tzinfo=UTC)
    weights = recency_weights([now - timedelta(days=730), now - timedelta(days=365), now], 365)
    assert weights.tolist() == [0.25, 0.5, 1.0]
    assert recency_weights(None, 365) is None
