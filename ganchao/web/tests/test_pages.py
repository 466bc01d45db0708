"""The shell: navigation by role, error pages in the layout, headers, assets served locally."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import path

from ganchao.orgs.models import User

pytestmark = pytest.mark.django_db


def nav_labels(response):
    return [
        item["label"]
        for section in response.context["shell"]["nav"]
        for item in (section.get("children") or [section])
    ]


def test_navigation_shows_only_what_the_role_may_use(city, login):
    liaison = nav_labels(login(city.liaison_a).get("/"))
    assert "单位目录" in liaison and "用户管理" not in liaison and "审计日志" not in liaison
    admin = nav_labels(login(city.admin).get("/"))
    assert "用户管理" in admin and "审计日志" not in admin
    auditor = nav_labels(login(city.auditor).get("/audit/"))
    assert auditor == ["密码重置审批", "审计日志", "审计链校验"]


def test_top_bar_names_the_city_the_user_and_their_unit(city, login):
    text = login(city.liaison_a).get("/").content.decode()
    assert (
        "赶超市人民政府" in text
        and "town_a_liaison" in text
        and "西湖镇" in text
        and "单位联络员" in text
    )


def test_home_redirects_anonymous_users_to_login():
    response = Client().get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_404_page_uses_the_layout(city, login):
    response = login(city.liaison_a).get("/no/such/page/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "页面不存在" in text and "单位目录" in text


def boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", boom)]


@pytest.mark.urls(__name__)
def test_500_page_is_in_chinese():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "系统出错" in response.content.decode()


def test_security_headers(city, login):
    response = login(city.liaison_a).get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"


def test_interface_is_chinese_whatever_the_browser_asks(city, login):
    client = login(city.liaison_a)
    text = client.get("/", headers={"Accept-Language": "en-US,en"}).content.decode()
    assert "首页" in text and 'lang="zh-CN"' in text


def test_no_asset_comes_from_another_host(city, login):
    text = login(city.admin).get("/orgs/units/").content.decode()
    for url in re.findall(r'(?:src|href)="([^"]+)"', text):
        assert not url.startswith(("http://", "https://", "//")), url
    assert login(city.admin).get("/static/vendor/htmx/htmx.min.js").status_code == 200


def test_templates_reference_no_cdn():
    root = Path(__file__).resolve().parents[2]
    for template in root.glob("ganchao/**/templates/**/*.html"):
        assert not re.search(r"https?://", template.read_text(encoding="utf-8")), template


def test_admin_creates_a_user_through_the_form(city, login):
    client = login(city.admin)
    response = client.post(
        "/orgs/users/new/",
        {
            "username": "wang",
            "full_name": "王小明",
            "unit": "C101",
            "roles": ["liaison"],
            "password": "Start-2026-pw",
        },
    )
    user = User.objects.get(username="wang")
    assert response.status_code == 302 and response["Location"] == f"/orgs/users/{user.pk}/"
    assert user.unit == city.town_a and user.must_change_password


def test_user_form_errors_are_listed_at_the_top_and_nothing_is_saved(city, login):
    response = login(city.admin).post(
        "/orgs/users/new/",
        {"username": "wang", "full_name": "王", "unit": "NOPE", "password": "short"},
    )
    text = response.content.decode()
    assert response.status_code == 200 and "请修改以下问题后再提交" in text
    assert "找不到编码为“NOPE”的单位" in text
    assert not User.objects.filter(username="wang").exists()


def test_security_admin_resets_a_password(city, login):
    client = login(city.security)
    client.post(f"/orgs/users/{city.liaison_a.pk}/reset/", {"new_password": "Temp-pass-2026"})
    city.liaison_a.refresh_from_db()
    assert city.liaison_a.check_password("Temp-pass-2026") and city.liaison_a.must_change_password


def test_admin_deactivates_a_user_who_then_cannot_log_in(city, login):
    login(city.admin).post(f"/orgs/users/{city.liaison_b.pk}/toggle/", {"reason": "调离"})
    from ganchao.conftest import TEST_PASSWORD

    response = Client().post(
        "/accounts/login/", {"username": "town_b_liaison", "password": TEST_PASSWORD}
    )
    assert response.status_code == 200 and "用户名或密码不正确" in response.content.decode()


def test_only_the_closest_navigation_entry_is_active(city, login):
    response = login(city.admin).get("/orgs/units/import/")
    active = [
        item["label"]
        for section in response.context["shell"]["nav"]
        for item in (section.get("children") or [section])
        if item["active"]
    ]
    assert active == ["单位表导入导出"]


def test_nul_characters_in_filters_and_forms_are_not_server_errors(city, login):
    client = login(city.admin)
    assert client.get("/orgs/users/?q=ab%00c&unit=C1%0001").status_code == 200
    assert client.get("/orgs/units/?q=%00").status_code == 200
    response = client.post(
        "/orgs/users/new/", {"username": "x\x00y", "full_name": "王\x00", "unit": "C101"}
    )
    assert response.status_code in (200, 302)
