"""Masking of public text: exact house numbers go, streets and villages stay."""

import pytest

from massline.cases.masking import mask_address, mask_public


@pytest.mark.parametrize(
    ("text", "gone", "kept"),
    [
        ("幸福路12号3栋2单元501室", ["12", "501"], ["幸福路", "号", "栋", "单元", "室"]),
        ("门牌号：18-2，村口大树下", ["18-2"], ["门牌号", "村口大树下"]),
        ("家住人民北路３２号", ["３２"], ["人民北路"]),
        ("No. 12 Main Street", ["12"], ["Main Street"]),
        ("no.7b Elm road", ["7b"], ["Elm road"]),
        ("Unit #12-3, Harbour View", ["12-3"], ["Harbour View"]),
        ("Apt 4B, 250 Tremont St, Boston", ["4B", "250"], ["Tremont St", "Boston"]),
        ("12-14 Green Street", ["12-14"], ["Green Street"]),
    ],
)
def test_house_numbers_are_hidden(text, gone, kept):
    masked = mask_address(text)
    for part in gone:
        assert part not in masked
    for part in kept:
        assert part in masked


@pytest.mark.parametrize(
    "text",
    [
        "地铁3号线停运",  # a metro line is not a house
        "2026年3月2日下午3点",
        "一号镇二号村5组",
        "Route 9 closed for 3 days",
        "Room for 12 people",
    ],
)
def test_other_numbers_stay(text):
    assert mask_address(text) == text


def test_mask_public_removes_contacts_addresses_and_the_given_name():
    masked = mask_public("我叫王小明，电话13812345678，住幸福路12号。", names=["王小明"])
    assert "王小明" not in masked and "王**" in masked
    assert "13812345678" not in masked and "12号" not in masked
    assert mask_public("ok", names=["", "王"]) == "ok"  # one-character names would mask too much
