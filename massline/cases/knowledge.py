"""Searching the knowledge base of published answers (知识库) that operators answer consultations from.

Chinese has no spaces, so text is split into character bigrams ("垃圾清运" → 垃圾, 圾清, 清运) and Latin
text into lower-cased words; an answer ranks by how many of the question's terms it shares, terms in its
question counting most, then its keywords, then its answer. The database only pre-filters (any term
contained anywhere), so the same ranking runs on SQLite and PostgreSQL.
"""

import re
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Q

from .models import KnowledgeArticle

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z0-9]+")
# Latin words too common to tell answers apart.
STOPWORDS = frozenset(
    "a an and are can do does for from how i in is it my of on or the to what when where which who why "
    "with you your me we our be by at as this that there".split()
)
WEIGHTS = {"question": 3.0, "keywords": 2.0, "answer": 1.0}
# At most this many terms go into the database pre-filter (a long question must not build a huge query).
PREFILTER_TERMS = 12
CANDIDATES = 500


def terms(text):
    """The search terms of `text`: CJK character bigrams (a lone character as itself) and Latin words."""
    text = (text or "").lower()
    found = []
    for run in _CJK.findall(text):
        found += [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]
    found += [w for w in _WORD.findall(_CJK.sub(" ", text)) if len(w) > 1 and w not in STOPWORDS]
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class Hit:
    article: KnowledgeArticle
    score: float


def _score(query_terms, article):
    score = 0.0
    for field, weight in WEIGHTS.items():
        field_terms = set(terms(getattr(article, field)))
        score += weight * sum(1 for term in query_terms if term in field_terms)
    return score / len(query_terms)


def knowledge_search(query, *, limit=10, category=None):
    """The published answers that best match `query`, best first, as Hits; [] for an empty query."""
    query_terms = terms(query)
    if not query_terms:
        return []
    articles = KnowledgeArticle.objects.filter(is_published=True)
    if category is not None:
        articles = articles.filter(Q(category__isnull=True) | Q(category__path__startswith=category.path))
    probe = sorted(query_terms, key=len, reverse=True)[:PREFILTER_TERMS]
    clauses = [Q(question__icontains=t) | Q(keywords__icontains=t) | Q(answer__icontains=t) for t in probe]
    candidates = articles.filter(reduce(or_, clauses)).select_related("category")[:CANDIDATES]
    hits = [Hit(article=a, score=s) for a in candidates if (s := _score(query_terms, a)) > 0]
    hits.sort(key=lambda h: (-h.score, h.article.question))
    return hits[:limit]
