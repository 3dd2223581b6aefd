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


def _char_vectorizer(max_features):
    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(1, 4),
        min_df=2,
        sublinear_tf=True,
        max_features=max_features,
        dtype=np.float32,
    )


def _word_vectorizer(max_features, ngrams=(1, 2)):
    return TfidfVectorizer(
        tokenizer=words,
        token_pattern=None,
        lowercase=False,
        ngram_range=ngrams,
        min_df=2,
        sublinear_tf=True,
        max_features=max_features,
        dtype=np.float32,
    )


class TextClassifier:
    """Char 1-4-gram TF-IDF plus word 1-2-gram TF-IDF, one linear model; `predict_top` gives ranked labels
    with probabilities (logistic loss, so the scores are probabilities, checked by the backtest's
    calibration figure)."""

    kind = "char+word tfidf, logistic SGD"

    def __init__(self, *, char_features=300_000, word_features=200_000, alpha=None, epochs=30):
        self.char_features = char_features
        self.word_features = word_features
        self.alpha = alpha
        self.epochs = epochs

    def _features(self, texts, fit=False):
        texts = [normalise(t) for t in texts]
        if fit:
            self.char_ = _char_vectorizer(self.char_features)
            self.word_ = _word_vectorizer(self.word_features)
            blocks = [self.char_.fit_transform(texts), self.word_.fit_transform(texts)]
        else:
            blocks = [self.char_.transform(texts), self.word_.transform(texts)]
        return sparse.hstack(blocks, format="csr")

    def fit(self, texts, labels):
        started = time.perf_counter()
        x = self._features(texts, fit=True)
        # 1e-5 was best of 1e-4 .. 2e-6 on both the Teddy messages (400 rows) and 40,000 Boston requests.
        alpha = self.alpha if self.alpha is not None else 1e-5
        self.model_ = SGDClassifier(
            loss="log_loss",
            alpha=alpha,
            max_iter=self.epochs,
            tol=None,
            class_weight="balanced",
            random_state=0,
        )
        self.model_.fit(x, np.asarray(labels, dtype=object))
        self.classes_ = self.model_.classes_
        self.fit_seconds = time.perf_counter() - started
        return self

    def predict_proba(self, texts):
        return self.model_.predict_proba(self._features(texts))

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
        x = self.vec_.fit_transform([normalise(t) for t in texts])
        self.model_ = LinearSVC()
        self.model_.fit(x, np.asarray(labels, dtype=object))
        self.classes_ = self.model_.classes_
        self.fit_seconds = time.perf_counter() - started
        return self

    def decision(self, texts):
        scores = self.model_.decision_function(self.vec_.transform([normalise(t) for t in texts]))
        if scores.ndim == 1:  # two classes: one column, positive means classes_[1]
            scores = np.column_stack([-scores, scores])
        return scores

    def predict_top(self, texts, k=3):
        scores = self.decision(texts)
        order = np.argsort(-scores, axis=1)[:, :k]
        return [
            [(self.classes_[j], float(row[j])) for j in idx] for row, idx in zip(scores, order, strict=True)
        ]
