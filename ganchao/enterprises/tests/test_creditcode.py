"""The unified social credit code check of GB 32100-2015 (and the GB 11714 organisation code
inside it), with real published codes and properties over every body."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ganchao.enterprises import creditcode
from ganchao.enterprises.creditcode import ALPHABET, check_character, errors, is_valid

REAL = [
    "91350100M000100Y43",  # the example of GB 32100-2015's publicity material (check 3)
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司: the check character is a letter
    "914403001922038216",  # 华为技术有限公司
    "91330100716105852F",  # 阿里巴巴（中国）有限公司: a letter again
    "91110000710925462X",  # 中国石油化工股份有限公司: X is also a check character
]


@pytest.mark.parametrize("code", REAL)
def test_real_published_codes_are_valid(code):
    assert errors(code) == []
    assert is_valid(code)


def test_a_letter_check_character_is_computed_exactly():
    assert check_character("9144030071526726X") == "G"
    assert check_character("91350100M000100Y4") == "3"


def test_typed_lower_case_and_spaces_are_normalised():
    assert is_valid(" 9144 0300 7152 6726 xg ")


def test_wrong_length_names_the_length():
    assert errors("91350100M000100Y4") == ["统一社会信用代码长度应为18位，现为17位"]


def test_forbidden_letters_name_their_position():
    found = errors("91350100M0001O0Y43")
    assert found == ["第14位字符“O”无效（不能使用字母I、O、Z、S、V或其他符号）"]


def test_region_code_must_be_digits():
    code = "91A50100M000100Y4"
    code += check_character(code)
    assert "第3位字符“A”无效（第3至8位是行政区划码，只能是数字）" in errors(code)


def test_wrong_check_character_names_the_right_one():
    assert errors("91350100M000100Y44") == ["校验位（第18位）应为3"]
    assert errors("9144030071526726X3") == ["校验位（第18位）应为G"]


def test_organisation_code_check_is_verified_too():
    body = "91350100M000100Y5"  # the organisation code's own check should be 4
    code = body + check_character(body)
    assert errors(code) == ["第17位（组织机构代码校验位）应为4"]


bodies = st.text(alphabet=ALPHABET, min_size=17, max_size=17)


@given(bodies)
def test_every_body_has_exactly_one_check_character(body):
    accepted = [c for c in ALPHABET if check_character(body) == c]
    assert len(accepted) == 1
    # and only that one passes the 18th-character check
    passing = [c for c in ALPHABET if not _check_fault(errors(body + c))]
    assert passing == accepted


def _check_fault(found):
    return any(message.startswith("校验位") for message in found)


org_bodies = st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=8, max_size=8)
regions = st.text(alphabet="0123456789", min_size=6, max_size=6)


@st.composite
def valid_codes(draw):
    org = draw(org_bodies)
    body = draw(st.sampled_from("159Y")) + draw(st.sampled_from("123"))
    body += draw(regions) + org + creditcode.org_check_character(org)
    return body + check_character(body)


@given(valid_codes(), st.integers(0, 17), st.sampled_from(ALPHABET))
def test_changing_any_one_character_breaks_validity(code, index, replacement):
    assert is_valid(code)
    if code[index] == replacement:
        return
    changed = code[:index] + replacement + code[index + 1 :]
    assert not is_valid(changed)
