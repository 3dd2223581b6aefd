from massline.lib.masking import mask_email, mask_name, mask_phone, mask_text


def test_it_masks_chinese_and_latin_names():
    assert mask_name("张三丰") == "张**"
    assert mask_name("John Smith") == "J*** S****"
    assert mask_name("") == ""


def test_it_keeps_only_the_ends_of_a_phone_number():
    assert mask_phone("138-1234-5678") == "138****5678"
    assert "1234" not in mask_phone("13812345678")


def test_it_masks_email():
    assert mask_email("alice@example.org") == "a***@example.org"


def test_it_removes_contacts_from_free_text():
    masked = mask_text("Call me at 617-555-0123 or mail bob@example.com, ID 110101199003071234")
    assert "555" not in masked
    assert "bob@" not in masked
    assert "110101199003071234" not in masked
    assert "Call me at" in masked
    assert mask_text("Room 12 on floor 3") == "Room 12 on floor 3"


def test_mask_public_hides_a_known_name_in_every_form_and_every_contact():
    from massline.lib.masking import mask_public

    text = (
        "欧阳明月说：明月的电话是 +86 138-1234-5678，邮箱 a@b.cn，身份证 43010219900307123X，住幸福路12号。"
    )
    masked = mask_public(text, names=["欧阳明月"])
    for secret in ("欧阳明月", "明月", "138", "a@b.cn", "43010219900307123X", "12号"):
        assert secret not in masked, secret
    english = mask_public("Alice Zhangsan wrote; ALICE says hi. Alicent stays.", names=["Alice Zhangsan"])
    assert english == "A**** Z******* wrote; A**** says hi. Alicent stays."
