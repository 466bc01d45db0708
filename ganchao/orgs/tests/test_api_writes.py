"""API twins of the administrators' pages (issue 9 item 11): units, the unit sheet, leaders and
their areas, users, roles, posts, password resets and unlocks — the happy path and one refusal
each, under the same permission rules as the pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ganchao.common.tests.api_client import TokenApi, error_fields
from ganchao.orgs import services
from ganchao.orgs.choices import Role
from ganchao.orgs.models import Leader, LeaderArea, Post, RoleGrant, Unit, User
from ganchao.orgs.tests.sheets import BAD_ROWS, GOOD_ROWS, unit_sheet

pytestmark = pytest.mark.django_db


def test_unit_create_under_a_parent_and_refuse_a_duplicate_name(city):
    api = TokenApi(city.admin)
    body = {"name": "北湖镇", "type": "town", "parent_code": "C", "aliases": ["北湖"]}
    created = api.post("/units", body)
    assert created.status_code == 201, created.content
    assert created.json()["parent_code"] == "C" and created.json()["aliases"] == ["北湖"]
    twice = api.post("/units", body)
    assert twice.status_code == 422
    assert twice.json()["errors"][0] == {
        "field": "name",
        "message": "同一上级单位下已有名为“北湖镇”的单位",
    }
    assert Unit.objects.filter(name="北湖镇").count() == 1


def test_unit_create_is_the_system_administrator_s(city):
    response = TokenApi(city.office).post("/units", {"name": "北湖镇", "type": "town"})
    assert response.status_code == 403
    assert not Unit.objects.filter(name="北湖镇").exists()


def test_unit_edit_renames_and_checks_the_version(city):
    api = TokenApi(city.admin)
    rename = {"name": "市统计局（普查中心）", "expected_version": city.stats.version}
    renamed = api.call("PATCH", f"/units/{city.stats.pk}", rename)
    assert renamed.status_code == 200, renamed.content
    assert renamed.json()["name"] == "市统计局（普查中心）"
    stale = api.call("PATCH", f"/units/{city.stats.pk}", {"sort_order": 3, "expected_version": 0})
    assert stale.status_code == 409
    bad_parent = api.call(
        "PATCH",
        f"/units/{city.town_a.pk}",
        {"parent_code": "C101001", "expected_version": city.town_a.version},
    )
    assert bad_parent.status_code == 422


def test_unit_active_refuses_a_unit_with_active_children_then_deactivates_a_leaf(city):
    api = TokenApi(city.admin)
    refused = api.post(f"/units/{city.town_a.pk}/active", {"active": False})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["message"] == "请先停用其下级单位"
    done = api.post(f"/units/{city.village_a.pk}/active", {"active": False, "reason": "撤并"})
    assert done.status_code == 200 and done.json()["active"] is False


def test_unit_sheet_dry_run_then_import_and_errors(city):
    api = TokenApi(city.admin)

    def send(rows, dry_run):
        sheet = SimpleUploadedFile("单位表.xlsx", unit_sheet(rows))
        return api.multipart("/unit-sheet", {"file": sheet, "dry_run": dry_run})

    preview = send(GOOD_ROWS, "true")
    assert preview.status_code == 200, preview.content
    assert preview.json()["created"] == 4 and not Unit.objects.filter(name="北湖镇").exists()
    done = send(GOOD_ROWS, "false")
    assert done.status_code == 200 and done.json()["summary"] == ["新增 4，更新 0，未变 0"]
    assert Unit.objects.filter(name="北湖镇").exists()
    bad = send(BAD_ROWS, "false")
    assert bad.status_code == 422
    assert any(e["field"].startswith("第") for e in bad.json()["errors"])


def test_leader_create_edit_and_areas(city):
    api = TokenApi(city.admin)
    created = api.post("/leaders", {"name": "陈建国", "title": "市长"})
    assert created.status_code == 201, created.content
    leader_id = created.json()["id"]
    assert created.json()["principal"] is True  # the 市长 reads the whole city
    retitle = {"title": "市长（代）", "expected_version": created.json()["version"]}
    edited = api.call("PATCH", f"/leaders/{leader_id}", retitle)
    assert edited.status_code == 200 and edited.json()["title"] == "市长（代）"
    areas = api.call("PUT", f"/leaders/{leader_id}/areas", {"unit_codes": ["C101", "C102"]})
    assert areas.status_code == 200, areas.content
    assert [a["unit_code"] for a in areas.json()["areas"]] == ["C101", "C102"]
    unknown = api.call("PUT", f"/leaders/{leader_id}/areas", {"unit_codes": ["C999"]})
    assert unknown.status_code == 422 and error_fields(unknown) == {"unit_codes"}
    assert LeaderArea.objects.filter(leader_id=leader_id, end_date__isnull=True).count() == 2


def test_leaders_are_changed_only_by_the_system_administrator(city):
    body = {"title": "x", "expected_version": city.leader.version}
    response = TokenApi(city.office).call("PATCH", f"/leaders/{city.leader.pk}", body)
    assert response.status_code == 403
    assert Leader.objects.get(pk=city.leader.pk).title == "副市长"


def test_user_create_and_a_taken_username(city):
    api = TokenApi(city.admin)
    body = {
        "username": "town_a_head",
        "full_name": "刘镇长",
        "unit_code": "C101",
        "roles": ["unit_head"],
        "password": "Xihu-2026-head",
    }
    created = api.post("/users", body)
    assert created.status_code == 201, created.content
    assert created.json()["roles"] == ["unit_head"]
    assert User.objects.get(username="town_a_head").must_change_password
    taken = api.post("/users", body)
    assert taken.status_code == 422
    assert error_fields(taken) == {"username"}


def test_user_edit_moves_a_user_and_refuses_a_root_office_account(city):
    api = TokenApi(city.admin)
    phone = {"phone": "13800000000", "expected_version": city.liaison_a.version}
    moved = api.call("PATCH", f"/users/{city.liaison_a.pk}", phone)
    assert moved.status_code == 200, moved.content
    move = {"unit_code": "C", "expected_version": city.office.version}
    refused = api.call("PATCH", f"/users/{city.office.pk}", move)
    assert refused.status_code == 422
    assert User.objects.get(pk=city.office.pk).unit == city.inspection


def test_roles_granted_and_revoked_and_exclusive_roles_refused(city):
    api = TokenApi(city.security)
    granted = api.post(f"/users/{city.liaison_a.pk}/roles", {"role": "unit_head"})
    assert granted.status_code == 200, granted.content
    assert "unit_head" in granted.json()["roles"]
    revoked = api.call("DELETE", f"/users/{city.liaison_a.pk}/roles/unit_head")
    assert revoked.status_code == 200 and "unit_head" not in revoked.json()["roles"]
    exclusive = api.post(f"/users/{city.admin.pk}/roles", {"role": "auditor"})
    assert exclusive.status_code == 422
    assert not RoleGrant.objects.filter(user=city.admin, role=Role.AUDITOR).exists()


def test_user_active_deactivates_and_refuses_oneself(city):
    api = TokenApi(city.admin)
    done = api.post(f"/users/{city.liaison_b.pk}/active", {"active": False, "reason": "调离"})
    assert done.status_code == 200 and done.json()["active"] is False
    self_off = api.post(f"/users/{city.admin.pk}/active", {"active": False})
    assert self_off.status_code == 422


def test_password_reset_and_unlock_are_the_security_administrator_s(city):
    path = f"/users/{city.liaison_a.pk}/password-reset"
    refused = TokenApi(city.admin).post(path, {"new_password": "Temp-2026-pass"})
    assert refused.status_code == 403
    done = TokenApi(city.security).post(path, {"new_password": "Temp-2026-pass"})
    assert done.status_code == 204, done.content
    assert User.objects.get(pk=city.liaison_a.pk).must_change_password
    unlocked = TokenApi(city.security).post(f"/users/{city.liaison_a.pk}/unlock")
    assert unlocked.status_code == 200


def test_post_remove_ends_a_post(city):
    post = services.post_add(actor=None, user=city.liaison_a, unit=city.stats, title="联络员")
    api = TokenApi(city.admin)
    done = api.call("DELETE", f"/users/{city.liaison_a.pk}/posts/{post.pk}")
    assert done.status_code == 200, done.content
    assert not Post.objects.get(pk=post.pk).active
    again = api.call("DELETE", f"/users/{city.liaison_a.pk}/posts/{post.pk}")
    assert again.status_code == 404


def test_refusals_of_leader_create_role_revoke_and_unlock(city):
    admin = TokenApi(city.admin)
    twice = admin.post("/leaders", {"name": "周明远", "title": "副市长"})
    assert twice.status_code == 422
    assert twice.json()["errors"][0] == {"field": "name", "message": "已有在任领导“周明远”"}
    not_held = TokenApi(city.security).call("DELETE", f"/users/{city.liaison_a.pk}/roles/auditor")
    assert not_held.status_code == 404
    assert admin.post(f"/users/{city.liaison_a.pk}/unlock").status_code == 403


def test_an_administrator_may_not_grant_itself_or_another_administrator_a_business_role(city):
    """三员分立: the system administrator does not become the office by granting itself the role,
    nor through the security administrator (an administrator account holds no business role)."""
    own = TokenApi(city.admin).post(f"/users/{city.admin.pk}/roles", {"role": "office"})
    assert own.status_code == 403
    assert own.json()["message"] == "不能给自己授予角色"
    self_grant = TokenApi(city.security).post(
        f"/users/{city.security.pk}/roles", {"role": "office"}
    )
    assert self_grant.status_code == 403
    granted = TokenApi(city.security).post(f"/users/{city.admin.pk}/roles", {"role": "office"})
    assert granted.status_code == 422
    assert granted.json()["errors"] == [
        {"field": "roles", "message": "系统管理员、安全管理员和审计管理员账号不能兼任业务角色"}
    ]
    created = TokenApi(city.admin).post(
        "/users",
        {
            "username": "second_admin",
            "full_name": "二号管理员",
            "unit_code": "C001",
            "roles": ["system_admin", "office"],
            "password": "Gc-test-2026!x",
        },
    )
    # The system administrator creates no account holding an administrator role at all.
    assert created.status_code == 403 and "管理员角色" in created.json()["message"]
    assert not RoleGrant.objects.filter(role=Role.OFFICE, user__in=[city.admin, city.security])
    assert not User.objects.filter(username="second_admin").exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": None}, "name"),
        ({"name": "  "}, "name"),
        ({"title": "x" * 101}, "title"),
        ({"sort_order": None}, "sort_order"),
        ({"sort_order": 10**30}, "sort_order"),
        ({"principal": None}, "principal"),
        ({"active": None}, "active"),
    ],
)
def test_leader_edit_refuses_nulls_blanks_and_huge_numbers_with_422(city, body, field):
    body = {**body, "expected_version": city.leader.version}
    response = TokenApi(city.admin).call("PATCH", f"/leaders/{city.leader.pk}", body)
    assert response.status_code == 422, response.content
    assert field in error_fields(response)
    leader = Leader.objects.get(pk=city.leader.pk)
    assert (leader.name, leader.title, leader.version) == ("周明远", "副市长", city.leader.version)


def test_leader_create_and_unit_create_refuse_a_sort_order_too_large_for_the_database(city):
    api = TokenApi(city.admin)
    leader = api.post("/leaders", {"name": "李副市长", "sort_order": 2**63})
    assert leader.status_code == 422 and error_fields(leader) == {"sort_order"}
    unit = api.post("/units", {"name": "北湖镇", "type": "town", "parent_code": "C", "sort_order": -(10**20)})  # fmt: skip
    assert unit.status_code == 422 and error_fields(unit) == {"sort_order"}
    assert not Leader.objects.filter(name="李副市长").exists()
    assert not Unit.objects.filter(name="北湖镇").exists()


def test_unit_and_user_edit_refuse_null_for_required_fields_with_422(city):
    api = TokenApi(city.admin)
    unit = api.call("PATCH", f"/units/{city.stats.pk}", {"name": None, "aliases": None})
    assert unit.status_code == 422, unit.content
    assert error_fields(unit) == {"name", "aliases"}
    user = api.call("PATCH", f"/users/{city.liaison_a.pk}", {"phone": None, "full_name": None})
    assert user.status_code == 422, user.content
    assert error_fields(user) == {"phone", "full_name"}
    assert Unit.objects.get(pk=city.stats.pk).name == "市统计局"
    assert User.objects.get(pk=city.liaison_a.pk).full_name == "town_a_liaison"


def test_leader_edit_with_a_stale_version_is_a_409_and_changes_nothing(city):
    api = TokenApi(city.admin)
    version = city.leader.version
    first = api.call("PATCH", f"/leaders/{city.leader.pk}", {"title": "常务副市长", "expected_version": version})  # fmt: skip
    assert first.status_code == 200, first.content
    assert first.json()["version"] == version + 1
    stale = api.call("PATCH", f"/leaders/{city.leader.pk}", {"title": "副市长", "expected_version": version})  # fmt: skip
    assert stale.status_code == 409
    assert stale.json()["message"] == "该领导信息已被他人修改，请刷新后重试"
    assert Leader.objects.get(pk=city.leader.pk).title == "常务副市长"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"roles": ["office", "mayor"]}, "roles"),
        ({"full_name": "  "}, "full_name"),
        ({"full_name": "张" * 51}, "full_name"),
        ({"email": "not-an-address"}, "email"),
        ({"phone": "1" * 31}, "phone"),
        ({"username": "u" * 151}, "username"),
    ],
)
def test_user_create_checks_what_the_user_form_checks(city, change, field):
    body = {
        "username": "new_clerk",
        "full_name": "新科员",
        "unit_code": "C101",
        "roles": ["liaison"],
        "password": "Gc-test-2026!x",
        **change,
    }
    response = TokenApi(city.admin).post("/users", body)
    assert response.status_code == 422, response.content
    assert error_fields(response) == {field}
    assert not User.objects.filter(username__startswith="new_clerk").exists()
    assert not User.objects.filter(username__startswith="uuu").exists()


def test_user_edit_refuses_a_blank_name_and_a_malformed_email(city):
    api = TokenApi(city.admin)
    for body, field in (({"full_name": ""}, "full_name"), ({"email": "a@"}, "email")):
        body = {**body, "expected_version": city.liaison_a.version}
        response = api.call("PATCH", f"/users/{city.liaison_a.pk}", body)
        assert response.status_code == 422 and error_fields(response) == {field}
    assert User.objects.get(pk=city.liaison_a.pk).full_name == "town_a_liaison"
