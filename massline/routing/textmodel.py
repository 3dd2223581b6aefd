"""The text classifier behind category and unit suggestions, and the plain baseline it must beat.

Language-neutral by construction: character n-grams (1-4) work for Chinese, Korean, German or English
without a per-language rewrite, and word features add whole words (jieba splits Chinese when it is
installed; other scripts split on letters). A linear model from scikit-learn keeps training to minutes on
100,000 demands and a prediction to well under a millisecond.
"""

import re
import time
import unicodedata

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.svm import LinearSVC

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_SPACES = re.compile(r"\s+")

try:  # jieba is optional: Chinese still works on character n-grams without it.
    import jieba

    jieba.setLogLevel(60)
except ImportError:  # pragma: no cover - depends on the installation
    jieba = None


def normalise(text):
    """NFKC (full-width to half-width), lower case, one space between words."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", str(text or "")).lower()).strip()


def words(text):
    """Words of any script: jieba's segmentation for runs of Chinese, letters and digits elsewhere."""
    out = []
    for token in _WORD.findall(text):
        if jieba is not None and _HAN.search(token):
            out.extend(w for w in jieba.lcut(token, HMM=False) if w.strip())
        else:
            out.append(token)
    return out


_MULT = np.uint64(0x9E3779B97F4A7C15)
_MIX = np.uint64(0xBF58476D1CE4E5B9)


def char_gram_buckets(texts, *, longest=4, bits=20):
    """(row, bucket) of every character 1..`longest`-gram of every text, hashed with numpy over the whole
    batch at once: no Python loop per gram, so a 400-character Chinese message costs tens of microseconds
    (sklearn's analyzers loop in Python and, with jieba, held Chinese to ~200 predictions/s). The hash is
    fixed arithmetic, not Python's salted `hash`, so a pickled model means the same in every process."""
    if not texts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    doc = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    text_end = np.repeat(np.cumsum(lengths), lengths)
    start = np.arange(codes.size, dtype=np.int64)
    rows, buckets = [], []
    h = np.zeros(codes.size, dtype=np.uint64)
    shift = np.uint64(64 - bits)
    with np.errstate(over="ignore"):  # the hash wraps around 2**64 on purpose
        for k in range(1, longest + 1):
            n = codes.size - k + 1
            if n <= 0:
                break
            h = h[:n] * _MULT + codes[k - 1 : k - 1 + n] + np.uint64(k)  # h[i] hashes codes[i:i+k]
            inside = start[:n] + k <= text_end[:n]  # not running into the next text
            mixed = (h[inside] ^ (h[inside] >> np.uint64(31))) * _MIX
            buckets.append((mixed >> shift).astype(np.int64))
            rows.append(doc[:n][inside])
    if not rows:  # only empty texts
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(rows), np.concatenate(buckets)


def _tfidf(rows, cols, n_docs, idf):
    """Sublinear tf (1 + log count) times idf, each row scaled to unit length: (rows, cols, values) sorted
    by row. Done in numpy, not through scipy's constructors, which cost more than the arithmetic on one
    short text."""
    n_features = max(idf.size, 1)
    keys, counts = np.unique(rows * n_features + cols, return_counts=True)
    r, c = np.divmod(keys, n_features)
    values = (1.0 + np.log(counts)) * idf[c]
    norms = np.sqrt(np.bincount(r, weights=values * values, minlength=n_docs))
    norms[norms == 0] = 1.0
    return r, c, values / norms[r]


def _fit_idf(rows, cols, n_docs, n_slots, *, min_df, max_features):
    """Document frequencies per slot; keep the slots in at least `min_df` texts (the most frequent
    `max_features`); returns (slot -> feature index or -1, idf per feature)."""
    pairs = np.unique(rows * n_slots + cols)
    df = np.bincount(pairs % n_slots, minlength=n_slots)
    kept = np.flatnonzero(df >= min_df)
    if kept.size > max_features:
        kept = kept[np.argsort(-df[kept], kind="stable")[:max_features]]
        kept.sort()
    mapping = np.full(n_slots, -1, dtype=np.int32)
    mapping[kept] = np.arange(kept.size, dtype=np.int32)
    idf = (np.log((1.0 + n_docs) / (1.0 + df[kept])) + 1.0).astype(np.float64)
    return mapping, idf


class GramFeatures:
    """Character 1-4-gram TF-IDF (hashed) plus word and word-bigram TF-IDF (a vocabulary), each block of
    unit length. Any script: the character grams carry Chinese, Korean or German without a segmenter;
    `jieba=True` adds jieba's words for runs of Chinese."""

    def __init__(self, *, char_features=300_000, word_features=200_000, bits=20, jieba=False, min_df=2):
        self.char_features = char_features
        self.word_features = word_features
        self.bits = bits
        self.jieba = jieba
        self.min_df = min_df

    def _words(self, text):
        tokens = words(text) if self.jieba else [t for t in _WORD.findall(text) if not _HAN.search(t)]
        return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]

    def _word_cells(self, texts, vocabulary):
        rows, cols = [], []
        get = vocabulary.get
        for i, text in enumerate(texts):
            ids = [j for j in map(get, self._words(text)) if j is not None]
            rows.extend([i] * len(ids))
            cols.extend(ids)
        return np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)

    def fit_transform(self, texts):
        texts = [normalise(t) for t in texts]
        rows, buckets = self._fit(texts)
        return self._transform(texts, rows, buckets)

    def fit(self, texts):
        self._fit([normalise(t) for t in texts])
        return self

    def _fit(self, texts):
        n = len(texts)
        rows, buckets = char_gram_buckets(texts, bits=self.bits)
        self.char_map_, self.char_idf_ = _fit_idf(
            rows, buckets, n, 1 << self.bits, min_df=self.min_df, max_features=self.char_features
        )
        counts = {}
        for text in texts:
            for token in set(self._words(text)):
                counts[token] = counts.get(token, 0) + 1
        kept = sorted((t for t, c in counts.items() if c >= self.min_df), key=lambda t: (-counts[t], t))
        self.vocabulary_ = {t: j for j, t in enumerate(kept[: self.word_features])}
        df = np.array([counts[t] for t in self.vocabulary_], dtype=np.float64)
        self.word_idf_ = np.log((1.0 + n) / (1.0 + df)) + 1.0
        return rows, buckets

    def transform(self, texts):
        texts = [normalise(t) for t in texts]
        rows, buckets = char_gram_buckets(texts, bits=self.bits)
        return self._transform(texts, rows, buckets)

    def _transform(self, texts, rows, buckets):
        return _csr(len(texts), self.n_features_, self._cells(texts, rows, buckets))

    def cells(self, texts, offset=0):
        """The TF-IDF of `texts` as (rows, columns + offset, values), to stack blocks without scipy's
        hstack (which costs more than the arithmetic on one short text)."""
        texts = [normalise(t) for t in texts]
        rows, buckets = char_gram_buckets(texts, bits=self.bits)
        return self._cells(texts, rows, buckets, offset)

    def _cells(self, texts, rows, buckets, offset=0):
        n = len(texts)
        cols = self.char_map_[buckets]
        keep = cols >= 0
        r1, c1, v1 = _tfidf(rows[keep], cols[keep].astype(np.int64), n, self.char_idf_)
        word_rows, word_cols = self._word_cells(texts, self.vocabulary_)
        r2, c2, v2 = _tfidf(word_rows, word_cols, n, self.word_idf_)
        return [(r1, c1 + offset, v1), (r2, c2 + offset + self.char_idf_.size, v2)]

    @property
    def n_features_(self):
        return self.char_idf_.size + self.word_idf_.size


def _csr(n_rows, n_columns, parts, scale=None):
    """One CSR matrix from (rows, columns, values) parts; `scale[i]` multiplies the values of part i."""
    r = np.concatenate([p[0] for p in parts])
    values = np.concatenate([p[2] * (1.0 if scale is None else scale[i]) for i, p in enumerate(parts)])
    order = np.argsort(r, kind="stable")
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(r, minlength=n_rows), out=indptr[1:])
    return sparse.csr_matrix(
        (values[order].astype(np.float32), np.concatenate([p[1] for p in parts])[order], indptr),
        shape=(n_rows, n_columns),
    )


def recency_weights(times, half_life_days):
    """Weight 1 for the newest demand, halving every `half_life_days` back: what a centre did last month
    says more about today's routing than what it did five years ago (units and categories change)."""
    if times is None or not half_life_days:
        return None
    seconds = np.array([t.timestamp() for t in times], dtype=np.float64)
    return np.power(0.5, (seconds.max() - seconds) / 86400.0 / float(half_life_days))


def _fields(texts):
    """Each demand as a tuple of its text fields (title first); a plain string is one field."""
    return [(t,) if isinstance(t, str) else tuple(str(f or "") for f in t) for t in texts]


def joined(text):
    """All the fields of one demand as one string (what the baseline and the duplicate finder read)."""
    return text if isinstance(text, str) else " ".join(str(f or "") for f in text if f)


class TextClassifier:
    """`GramFeatures` of the whole demand, plus (weighted by `title_weight`) of its first field alone when it
    has several (the title, or the first `--text` column: short, and written to say what it is about), and
    one linear model trained with recent history weighted up; `predict_top` gives ranked labels with
    probabilities (logistic loss, checked by the backtest's confidence bands)."""

    kind = "char 1-4 + word 1-2 tfidf (+ title), recency-weighted logistic SGD"

    def __init__(
        self,
        *,
        char_features=300_000,
        word_features=200_000,
        alpha=1e-5,
        epochs=30,
        half_life_days=365,
        title_weight=0.5,
        jieba=False,
    ):
        self.char_features = char_features
        self.word_features = word_features
        self.alpha = alpha
        self.epochs = epochs
        self.half_life_days = half_life_days
        self.title_weight = title_weight
        self.jieba = jieba

    def _new_features(self):
        return GramFeatures(
            char_features=self.char_features, word_features=self.word_features, jieba=self.jieba
        )

    def _matrix(self, texts, fit=False):
        fields = _fields(texts)
        whole = [" ".join(f for f in row if f) for row in fields]
        if fit:
            self.features_ = self._new_features()
            several = self.title_weight and any(len(row) > 1 for row in fields)
            self.title_features_ = self._new_features() if several else None
            self.features_.fit(whole)
            if self.title_features_ is not None:
                self.title_features_.fit([row[0] for row in fields])
        parts = self.features_.cells(whole)
        scale = [1.0] * len(parts)
        n_columns = self.features_.n_features_
        if self.title_features_ is not None:
            titles = [row[0] if len(row) > 1 else "" for row in fields]
            title_parts = self.title_features_.cells(titles, offset=n_columns)
            parts += title_parts
            scale += [self.title_weight] * len(title_parts)
            n_columns += self.title_features_.n_features_
        return _csr(len(fields), n_columns, parts, scale)

    def fit(self, texts, labels, times=None):
        """Fit on `texts` (strings, or tuples of fields with the title first) and `labels`; with `times`
        (datetimes), a demand `half_life_days` older than the newest counts half."""
        started = time.perf_counter()
        x = self._matrix(texts, fit=True)
        weights = recency_weights(times, self.half_life_days)
        self.model_ = SGDClassifier(
            loss="log_loss",
            alpha=self.alpha,
            max_iter=self.epochs,
            tol=None,
            class_weight="balanced",
            random_state=0,
        )
        self.model_.fit(
            x,
            np.asarray(labels, dtype=object),
            sample_weight=None if weights is None else weights / weights.mean(),
        )
        self.classes_ = self.model_.classes_
        # Scores as features @ coef_t_: scipy would copy sklearn's transposed (Fortran-ordered) coefficient
        # matrix on every call, which made one prediction cost milliseconds.
        self.coef_t_ = np.ascontiguousarray(self.model_.coef_.T, dtype=np.float64)
        self.intercept_ = self.model_.intercept_.astype(np.float64)
        self.fit_seconds = time.perf_counter() - started
        return self

    def predict_proba(self, texts):
        """One-vs-rest logistic probabilities normalised to sum to 1 (as SGDClassifier.predict_proba)."""
        scores = np.asarray(self._matrix(texts) @ self.coef_t_) + self.intercept_
        p = 1.0 / (1.0 + np.exp(-scores))
        if p.shape[1] == 1:  # two classes: one column, the probability of classes_[1]
            return np.column_stack([1.0 - p[:, 0], p[:, 0]])
        total = p.sum(axis=1, keepdims=True)
        total[total == 0] = 1.0
        return p / total

    def predict_top(self, texts, k=3):
        proba = self.predict_proba(texts)
        order = np.argsort(-proba, axis=1)[:, :k]
        return [
            [(self.classes_[j], float(row[j])) for j in idx] for row, idx in zip(proba, order, strict=True)
        ]


class BaselineClassifier:
    """The plain baseline: word TF-IDF (unigrams, the same word splitter) and LinearSVC with defaults."""

    kind = "word tfidf, LinearSVC"

    def fit(self, texts, labels):
        started = time.perf_counter()
        self.vec_ = TfidfVectorizer(tokenizer=words, token_pattern=None, lowercase=False)
        x = self.vec_.fit_transform([normalise(joined(t)) for t in texts])
        self.model_ = LinearSVC()
        self.model_.fit(x, np.asarray(labels, dtype=object))
        self.classes_ = self.model_.classes_
        self.fit_seconds = time.perf_counter() - started
        return self

    def decision(self, texts):
        scores = self.model_.decision_function(self.vec_.transform([normalise(joined(t)) for t in texts]))
        if scores.ndim == 1:  # two classes: one column, positive means classes_[1]
            scores = np.column_stack([-scores, scores])
        return scores

    def predict_top(self, texts, k=3):
        scores = self.decision(texts)
        order = np.argsort(-scores, axis=1)[:, :k]
        return [
            [(self.classes_[j], float(row[j])) for j in idx] for row, idx in zip(scores, order, strict=True)
        ]
