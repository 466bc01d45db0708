"""Issue 12 item 4 (LEGAL_RULES C1): Password1, P@ssw0rd, Qwerty123 and the demo password were
accepted; usernames were case-sensitive. Common passwords (Django's maintained list) and the
city's own words are refused with a clear message; ZhangSan logs in zhangsan, and ZHANGSAN
cannot be created beside zhangsan."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client

from ganchao.accounts import services
from ganchao.common.errors import ValidationFailed
from ganchao.conftest import TEST_PASSWORD, make_unit, make_user
from ganchao.demodata.generator import DEMO_PASSWORD
from ganchao.orgs import services as org_services
from ganchao.orgs.choices import UnitType
from ganchao.orgs.models import User

pytestmark = pytest.mark.django_db

SEEN_ACCEPTED = ["Password1", "P@ssw0rd", "Qwerty123", DEMO_PASSWORD]
LOCAL = ["Ganchao2026!", "ganchao@2026", "Zhengfu@2026", "@Dangwei123", "GANCHAO_2026#"]


def refusal(password, user=None) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_password(password, user)
    return "；".join(caught.value.messages)


@pytest.mark.parametrize("password", SEEN_ACCEPTED)
def test_the_passwords_the_probe_set_are_refused(password):
    message = refusal(password)
    assert "常见" in message or "常用词" in message


@pytest.mark.parametrize("password", ["Password1", "P@ssw0rd", "Qwerty123"])
def test_common_passwords_name_the_reason(password):
    assert "该密码过于常见" in refusal(password)


@pytest.mark.parametrize("password", LOCAL)
def test_the_city_s_own_words_with_digits_and_symbols_are_refused(password):
    assert "本平台、本市名称" in refusal(password)


def test_the_root_unit_and_the_configured_city_name_count_as_local_words(settings):
    settings.GANCHAO_CITY_NAME = "Jiangchuan"
    assert "本市名称" in refusal("Jiangchuan2026!")
    make_unit("Lanxi", UnitType.CITY, code="L")
    assert "本市名称" in refusal("Lanxi-2026!")


def test_a_strong_password_still_passes(city):
    validate_password("Xin-mima-2027", city.liaison_a)
    validate_password(TEST_PASSWORD)


def test_the_password_change_refuses_password1_with_a_clear_message(city):
    with pytest.raises(ValidationFailed) as caught:
        services.password_change(
            actor=city.liaison_a, old_password=TEST_PASSWORD, new_password="Password1"
        )
    assert caught.value.errors[0].field == "new_password"
    assert "过于常见" in caught.value.message


def test_the_forced_change_page_refuses_the_demo_password(city):
    user = make_user("newcomer", city.town_a, must_change=True)
    client = Client()
    client.force_login(user)
    page = client.post(
        "/accounts/password/",
        {
            "old_password": TEST_PASSWORD,
            "new_password": DEMO_PASSWORD,
            "new_password2": DEMO_PASSWORD,
        },
    )
    assert page.status_code == 200 and "常用词" in page.content.decode()


def test_a_username_in_other_case_logs_in_the_same_account(city):
    make_user("zhangsan", city.town_a)
    client = Client()
    answer = client.post("/accounts/login/", {"username": "ZhangSan", "password": TEST_PASSWORD})
    assert answer.status_code == 302
    assert int(client.session["_auth_user_id"]) == User.objects.get(username="zhangsan").pk


def test_failures_in_any_case_count_toward_one_lockout(city):
    for username in ["TOWN_A_LIAISON", "Town_A_Liaison", "town_a_LIAISON", "town_A_liaison"]:
        Client().post("/accounts/login/", {"username": username, "password": "wrong-Pass1"})
    Client().post("/accounts/login/", {"username": "town_a_liaison", "password": "wrong-Pass1"})
    locked = Client().post(
        "/accounts/login/", {"username": "Town_a_liaison", "password": TEST_PASSWORD}
    )
    assert locked.status_code == 403


def test_a_username_differing_only_in_case_cannot_be_created(city):
    make_user("zhangsan", city.town_a)
    with pytest.raises(ValidationFailed) as caught, transaction.atomic():
        org_services.user_create(
            actor=city.admin, username="ZHANGSAN", full_name="张三", unit=city.town_b
        )
    message = caught.value.message
    assert caught.value.errors[0].field == "username"
    assert "ZHANGSAN" in message and "zhangsan" in message and "不区分大小写" in message


def test_the_user_form_shows_the_case_clash(city):
    make_user("zhangsan", city.town_a)
    client = Client()
    client.force_login(city.admin)
    page = client.post(
        "/orgs/users/new/",
        {
            "username": "ZhangSan",
            "full_name": "张三",
            "unit": city.town_b.code,
            "password": "Xin-mima-2027",
        },
    )
    assert "只有大小写不同" in page.content.decode()
