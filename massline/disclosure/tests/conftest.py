"""Fixtures of the disclosure tests: a request factory; times are given explicitly (local time)."""

from datetime import datetime

import pytest
from django.utils import timezone

from massline.disclosure import services


def local(*args):
    """An aware local time (Asia/Shanghai): local(2026, 9, 24, 10) is 24 Sep 2026 10:00."""
    return timezone.make_aware(datetime(*args))


def shown(instant):
    return f"{timezone.localtime(instant):%Y-%m-%d %H:%M}"


@pytest.fixture
def make_request(org):
    def make(
        *, received_at, unit=None, description="The 2025 budget of the road maintenance fund.", **kwargs
    ):
        values = {
            "applicant_name": "张三",
            "id_document": "110101199001011234",
            "phone": "13911112222",
            "email": "zhangsan@example.org",
        }
        values.update(kwargs)
        return services.request_submit(
            unit=unit or org.unit_a, description=description, received_at=received_at, **values
        )

    return make
