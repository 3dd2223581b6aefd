"""The Open311 part of `massline demo`: definitions on the demo tree, a key printed once, recent requests."""

import re

import pytest

from massline.cases.models import Case, Category
from massline.open311 import selectors
from massline.open311.demo import DEFINITIONS, load_open311_demo
from massline.open311.models import ApiKey, ServiceAttribute

from .conftest import make_policies


@pytest.mark.django_db
def test_the_demo_defines_services_prints_a_key_once_and_posts_recent_requests(org):
    make_policies()
    parent = Category.objects.create(code="zh-01", name="城乡建设")
    for n, name in enumerate(DEFINITIONS, 1):
        Category.objects.create(code=f"zh-01-{n:02d}", name=name, parent=parent)
    first = load_open311_demo()
    key = re.search(r"[A-Za-z0-9_-]{40,}", first[0]).group(0)
    assert selectors.apikey_find(key).name == "demo"
    assert ServiceAttribute.objects.filter(category__name="噪音污染").count() == 3
    assert Case.objects.filter(is_public=True, open311_submission__api_key__name="demo").count() == 5

    again = load_open311_demo()
    assert "massline open311 keys create demo" in again[0] and key not in "".join(again)
    assert ApiKey.objects.count() == 1 and Case.objects.count() == 5
    assert ServiceAttribute.objects.filter(category__name="噪音污染").count() == 3
