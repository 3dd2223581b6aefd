"""Knowledge-base search: CJK bigrams and Latin words, ranked by where the terms match."""

import pytest

from massline.cases.knowledge import knowledge_search, terms
from massline.cases.models import Category, KnowledgeArticle


def test_terms_split_chinese_into_bigrams_and_latin_into_words():
    assert terms("垃圾清运") == ["垃圾", "圾清", "清运"]
    assert terms("How do I renew my ID card?") == ["renew", "id", "card"]
    assert terms("办理ID卡") == ["办理", "卡", "id"]
    assert terms("") == [] and terms("the a of") == []


@pytest.fixture
def articles(db):
    transport = Category.objects.create(code="transport", name="交通")
    return {
        "bus": KnowledgeArticle.objects.create(
            question="公交卡怎么充值？",
            answer="可在地铁站或手机应用充值。",
            keywords="公交 充值",
            category=transport,
        ),
        "social": KnowledgeArticle.objects.create(
            question="社保卡丢了怎么补办？", answer="携带身份证到社保网点补办。", keywords="社保卡 挂失"
        ),
        "trash": KnowledgeArticle.objects.create(
            question="Bulky trash pickup",
            answer="Call 311 to book a bulky item collection.",
            keywords="trash sofa",
        ),
        "hidden": KnowledgeArticle.objects.create(
            question="社保卡内部流程", answer="仅内部", keywords="社保卡", is_published=False
        ),
    }


def test_it_finds_the_best_answer_first(articles):
    hits = knowledge_search("我的社保卡丢失了，要怎么补办")
    assert hits[0].article == articles["social"]
    assert articles["hidden"] not in [h.article for h in hits]


def test_the_question_weighs_more_than_the_answer(articles):
    KnowledgeArticle.objects.create(question="地铁换乘", answer="公交卡也可以在地铁使用。")
    hits = knowledge_search("公交卡")
    assert hits[0].article == articles["bus"]
    assert hits[0].score > hits[1].score


def test_latin_search_is_case_insensitive(articles):
    assert [h.article for h in knowledge_search("how to get rid of an old SOFA")] == [articles["trash"]]


def test_nothing_matches_nothing(articles):
    assert knowledge_search("") == []
    assert knowledge_search("天气预报") == []


def test_it_can_stay_within_a_category(articles):
    transport = Category.objects.get(code="transport")
    found = [h.article for h in knowledge_search("卡 补办 充值", category=transport)]
    assert articles["bus"] in found and articles["social"] in found  # uncategorised answers stay
    KnowledgeArticle.objects.filter(pk=articles["social"].pk).update(
        category=Category.objects.create(code="social", name="社保")
    )
    assert articles["social"] not in [h.article for h in knowledge_search("卡 补办 充值", category=transport)]
