"""Phone numbers in E.164: every way of writing one number is one key."""

import pytest

from massline.lib.phones import phone_e164, phone_key


@pytest.mark.parametrize(
    "written",
    [
        "13812345678",
        "+86 138 1234 5678",
        "138-1234-5678",
        "(+86) 13812345678",
        "008613812345678",
        "+8613812345678",
    ],
)
def test_every_way_of_writing_a_mobile_number_is_one_e164(written):
    assert phone_e164(written) == "+8613812345678"


def test_landlines_foreign_numbers_and_the_configured_region(settings):
    assert phone_e164("0731-88881234") == "+8673188881234"
    assert phone_e164("+1 617-555-0100") == "+16175550100"
    settings.MASSLINE_PHONE_REGION = "US"
    assert phone_e164("617-555-0100") == "+16175550100"


def test_what_cannot_be_a_number_is_none_and_keeps_its_digits_as_key():
    assert phone_e164("") is None and phone_e164("call me") is None
    assert phone_e164("+86 1") is None
    assert phone_key("+86 1") == "+861"
    assert phone_key("") == ""
