"""Masking of what the public sees (DESIGN.md 3.13): persons as surname + 某, no ID, phone or
person's credit code; organisations in full; fines in capitals."""

from types import SimpleNamespace

import pytest

from ganchao.enforcement.masking import (
    amount_in_words,
    mask_person,
    party_public,
    public_text,
    scrub,
)


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张某"),
        ("欧阳娜娜", "欧阳某"),
        ("司马光", "司马某"),
        ("诸葛亮", "诸葛某"),
        ("王小明", "王某"),
        (" 李 四 ", "李某"),
        ("欧阳", "欧某"),
        ("", "某"),
    ],
)
def test_mask_person(name, masked):
    assert mask_person(name) == masked


def test_scrub_removes_ids_phones_landlines_and_a_persons_credit_code():
    text = (
        "身份证370102198001011234，旧证37010280010112X，"
        "手机13800138000、139 1234 5678，座机0531-86123456，(010)12345678，"
        "信用代码92370100MA3C12345X，罚款5000元，2026年3月2日"
    )
    out = scrub(text)
    for secret in (
        "370102198001011234",
        "13800138000",
        "139 1234 5678",
        "86123456",
        "12345678",
        "92370100MA3C12345X",
    ):
        assert secret not in out
    assert "罚款5000元" in out and "2026年3月2日" in out
    assert scrub("身份证号码37010219800101123X") == "身份证号码***"
    # an organisation's own credit code is public
    assert "91370100MA3C123456" in scrub("代码91370100MA3C123456", person=False)
    assert "13800138000" not in scrub("电话13800138000", person=False)


def test_party_public_and_public_text():
    person = SimpleNamespace(
        party_kind="person", party_name="欧阳娜娜", party_id_no="A1234567", party_phone=""
    )
    firm = SimpleNamespace(
        party_kind="organisation",
        party_name="赶超市某某建筑有限公司",
        party_id_no="",
        party_phone="",
    )
    assert party_public(person) == "欧阳某"
    assert party_public(firm) == "赶超市某某建筑有限公司"
    text = public_text(person, "对欧阳娜娜（证件A1234567）处以罚款")
    assert text == "对欧阳某（证件***）处以罚款"


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (5000, "伍仟元整"),
        ("12345.60", "壹万贰仟叁佰肆拾伍元陆角"),
        (100000, "壹拾万元整"),
        (1005, "壹仟零伍元整"),
        (10010, "壹万零壹拾元整"),
        ("0.05", "伍分"),
        ("200.07", "贰佰元零柒分"),
        (0, "零元整"),
    ],
)
def test_amount_in_words(amount, words):
    assert amount_in_words(amount) == words
