"""三员分立 (LEGAL_RULES C5, issue 12 item 1): the system administrator manages accounts and
units but grants no role to itself and never an administrator role; the security administrator
grants roles and unlocks, never for itself; an administrator's password is reset only with a
second administrator's approval; neither administrator reads business data; every such action,
refusals included, is audited."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ganchao.accounts import reset_approval
from ganchao.accounts.models import ApiToken, PasswordHistory, PasswordResetRequest
from ganchao.accounts.services import token_create
from ganchao.audit.models import AuditEvent
from ganchao.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from ganchao.common.tests.api_client import TokenApi
from ganchao.conftest import TEST_PASSWORD, make_user
from ganchao.goals import services_reports as reports
from ganchao.goals.tests.factories import make_plan
from ganchao.orgs import services
from ganchao.orgs.choices import Role
from ganchao.orgs.models import RoleGrant, User
from ganchao.web.navigation import NAV

NEW_PASSWORD = "Reset-Temp-2026!"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def roles_of(user) -> set[str]:
    return set(RoleGrant.objects.filter(user=user).values_list("role", flat=True))


def refused(action: str, user=None):
    events = AuditEvent.objects.filter(action=action, success=False)
    return events.filter(object_id=str(user.pk)) if user is not None else events


# ---- accounts and roles ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["security_admin", "auditor", "system_admin"])
def test_the_system_administrator_creates_no_account_holding_an_admin_role(city, login, role):
    """Given the system administrator, When it posts the user form with an administrator role
    (the probe's POST /orgs/users/new/), Then nothing is created and the refusal is audited."""
    response = login(city.admin).post(
        "/orgs/users/new/",
        {
            "username": "probe",
            "full_name": "探测账号",
            "unit": "C001",
            "roles": [role],
            "password": "Start-2026-pw",
        },
    )
    assert response.status_code == 200
    assert "管理员角色" in response.content.decode()
    assert not User.objects.filter(username="probe").exists()
    event = refused("user.create").get()
    assert event.actor_username == "city_admin" and role in event.changes["roles"]


def test_the_system_administrator_creates_accounts_with_business_roles(city, login):
    response = login(city.admin).post(
        "/orgs/users/new/",
        {
            "username": "wang",
            "full_name": "王小明",
            "unit": "C002",
            "roles": ["office"],
            "password": "Start-2026-pw",
        },
    )
    assert response.status_code == 302
    assert roles_of(User.objects.get(username="wang")) == {"office"}


def test_api_the_system_administrator_creates_no_admin_account(city):
    answer = TokenApi(city.admin).post(
        "/users",
        {
            "username": "probe",
            "full_name": "探测账号",
            "unit_code": "C001",
            "roles": ["auditor"],
            "password": "Start-2026-pw",
        },
    )
    assert answer.status_code == 403 and "管理员角色" in answer.json()["message"]
    assert not User.objects.filter(username="probe").exists()


@pytest.mark.parametrize("who", ["admin", "security"])
def test_no_administrator_grants_itself_a_role(city, login, who):
    """The probe: POST /orgs/users/<own id>/grant/ {"role": "office"} — refused and audited."""
    actor = getattr(city, who)
    response = login(actor).post(f"/orgs/users/{actor.pk}/grant/", {"role": "office"})
    assert response.status_code == 302
    assert roles_of(actor) == ({"system_admin"} if who == "admin" else {"security_admin"})
    assert refused("user.role_grant", actor).count() == 1
    api = TokenApi(actor).post(f"/users/{actor.pk}/roles", {"role": "office"})
    assert api.status_code == 403 and api.json()["message"] == "不能给自己授予角色"
    assert refused("user.role_grant", actor).count() == 2


def test_the_system_administrator_grants_business_roles_to_others_but_no_admin_role(city):
    newcomer = make_user("newcomer", city.town_a)
    services.role_grant(actor=city.admin, user=newcomer, role=Role.LIAISON)
    assert roles_of(newcomer) == {"liaison"}
    services.role_revoke(actor=city.admin, user=newcomer, role=Role.LIAISON)
    bare = make_user("bare", city.gov_office)
    with pytest.raises(Forbidden, match="只能由安全管理员授予"):
        services.role_grant(actor=city.admin, user=bare, role=Role.AUDITOR)
    assert roles_of(bare) == set() and refused("user.role_grant", bare).count() == 1
    with pytest.raises(Forbidden, match="只能由安全管理员撤销"):
        services.role_revoke(actor=city.admin, user=city.auditor, role=Role.AUDITOR)
    assert roles_of(city.auditor) == {"auditor"}


def test_the_security_administrator_grants_admin_roles_to_others_and_exclusivity_holds(city):
    bare = make_user("bare", city.gov_office)
    services.role_grant(actor=city.security, user=bare, role=Role.AUDITOR)
    assert roles_of(bare) == {"auditor"}
    granted = AuditEvent.objects.get(action="user.role_grant", object_id=str(bare.pk))
    assert granted.success and granted.actor_username == "security_admin"
    with pytest.raises(ValidationFailed, match="不能由同一账号兼任"):
        services.role_grant(actor=city.security, user=city.admin, role=Role.AUDITOR)
    with pytest.raises(ValidationFailed, match="不能兼任业务角色"):
        services.role_grant(actor=city.security, user=city.admin, role=Role.OFFICE)
    assert roles_of(city.admin) == {"system_admin"}
    assert refused("user.role_grant", city.admin).count() == 2


def test_the_last_system_administrator_keeps_the_role(city):
    with pytest.raises(Forbidden, match="最后一名在用的系统管理员"):
        services.role_revoke(actor=city.security, user=city.admin, role=Role.SYSTEM_ADMIN)
    assert refused("user.role_revoke", city.admin).count() == 1
    with pytest.raises(ValidationFailed, match="最后一名在用的系统管理员"):
        services.user_set_active(actor=city.security, user=city.admin, active=False)
    second = make_user("second_admin", city.gov_office)
    services.role_grant(actor=city.security, user=second, role=Role.SYSTEM_ADMIN)
    services.role_revoke(actor=city.security, user=city.admin, role=Role.SYSTEM_ADMIN)
    assert roles_of(city.admin) == set()


def test_the_security_administrator_does_not_unlock_itself(city):
    from ganchao.accounts.services import account_unlock

    with pytest.raises(Forbidden, match="不能为自己解除锁定"):
        account_unlock(actor=city.security, user=city.security)
    account_unlock(actor=city.security, user=city.liaison_a)
    assert AuditEvent.objects.filter(action="auth.unlocked", success=True).count() == 1


# ---- password resets of administrators -------------------------------------------------------


def test_the_security_administrator_may_not_reset_an_administrator_at_once(city, login):
    """The probe: the security administrator reset the auditor's password and logged in as the
    auditor. Now the immediate reset is refused (and audited) and the password is unchanged."""
    response = login(city.security).post(
        f"/orgs/users/{city.auditor.pk}/reset/", {"new_password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    city.auditor.refresh_from_db()
    assert city.auditor.check_password(TEST_PASSWORD) and not city.auditor.must_change_password
    assert refused("auth.password_reset", city.auditor).count() == 1
    api = TokenApi(city.security).post(
        f"/users/{city.auditor.pk}/password-reset", {"new_password": NEW_PASSWORD}
    )
    assert api.status_code == 403 and "另一名管理员批准" in api.json()["message"]
    assert refused("auth.password_reset", city.auditor).count() == 2
    city.auditor.refresh_from_db()
    assert city.auditor.check_password(TEST_PASSWORD)


def test_the_security_administrator_does_not_reset_its_own_password(city):
    from ganchao.accounts.services import password_reset

    with pytest.raises(Forbidden, match="不能重置自己的密码"):
        password_reset(actor=city.security, user=city.security, new_password=NEW_PASSWORD)


def test_a_reset_of_a_business_account_stays_immediate(city):
    from ganchao.accounts.services import password_reset

    password_reset(actor=city.security, user=city.liaison_a, new_password=NEW_PASSWORD)
    city.liaison_a.refresh_from_db()
    assert city.liaison_a.check_password(NEW_PASSWORD) and city.liaison_a.must_change_password


def test_an_administrator_reset_needs_a_second_administrator(city, login):
    """Given the security administrator's request on the auditor's page, When the requester or
    the auditor tries to approve, Then it is refused and audited; When the system administrator
    approves, Then the temporary password is set (to be changed), the old one kept in the
    history and the auditor's tokens revoked."""
    _token, _key = token_create(actor=None, user=city.auditor)
    page = login(city.security).post(
        f"/orgs/users/{city.auditor.pk}/reset-request/",
        {"new_password": NEW_PASSWORD, "reason": "审计管理员遗忘密码，已当面核实身份"},
    )
    assert page.status_code == 302
    request = PasswordResetRequest.objects.get(user=city.auditor)
    assert request.state == "pending" and request.requested_by == city.security
    assert NEW_PASSWORD not in request.password
    city.auditor.refresh_from_db()
    assert city.auditor.check_password(TEST_PASSWORD)
    assert AuditEvent.objects.filter(action="auth.reset_requested", success=True).count() == 1

    for approver in (city.security, city.auditor):
        with pytest.raises(Forbidden):
            reset_approval.reset_request_approve(actor=approver, request_id=request.pk)
    assert refused("auth.reset_approved", city.auditor).count() == 2
    with pytest.raises(NotFound):
        reset_approval.reset_request_approve(actor=city.office, request_id=request.pk)

    listing = login(city.admin).get("/orgs/password-resets/")
    assert listing.status_code == 200 and "审计管理员遗忘密码" in listing.content.decode()
    done = login(city.admin).post(
        f"/orgs/password-resets/{request.pk}/approve/", {"note": "已电话核实"}
    )
    assert done.status_code == 302
    request.refresh_from_db()
    city.auditor.refresh_from_db()
    assert request.state == "approved" and request.decided_by == city.admin
    assert city.auditor.check_password(NEW_PASSWORD) and city.auditor.must_change_password
    assert PasswordHistory.objects.filter(user=city.auditor).exists()
    assert not ApiToken.objects.filter(user=city.auditor, revoked_at__isnull=True).exists()
    approved = AuditEvent.objects.get(action="auth.reset_approved", success=True)
    assert approved.actor_username == "city_admin" and approved.reason == "已电话核实"
    with pytest.raises(Conflict, match="已处理"):
        reset_approval.reset_request_reject(actor=city.admin, request_id=request.pk, note="晚了")


def test_a_rejected_reset_leaves_the_password(city):
    request = reset_approval.reset_request_create(
        actor=city.security, user=city.admin, new_password=NEW_PASSWORD, reason="遗忘密码"
    )
    with pytest.raises(Conflict, match="待批准"):
        reset_approval.reset_request_create(
            actor=city.security, user=city.admin, new_password=NEW_PASSWORD, reason="再次申请"
        )
    with pytest.raises(ValidationFailed, match="审批意见"):
        reset_approval.reset_request_reject(actor=city.auditor, request_id=request.pk, note=" ")
    reset_approval.reset_request_reject(
        actor=city.auditor, request_id=request.pk, note="未能核实申请人身份"
    )
    request.refresh_from_db()
    city.admin.refresh_from_db()
    assert request.state == "rejected" and request.decided_by == city.auditor
    assert city.admin.check_password(TEST_PASSWORD)
    assert AuditEvent.objects.filter(action="auth.reset_rejected", success=True).count() == 1


def test_a_reset_request_is_for_administrators_and_names_a_reason(city):
    with pytest.raises(ValidationFailed, match="可直接重置"):
        reset_approval.reset_request_create(
            actor=city.security, user=city.liaison_a, new_password=NEW_PASSWORD, reason="遗忘"
        )
    with pytest.raises(ValidationFailed) as missing:
        reset_approval.reset_request_create(
            actor=city.security, user=city.auditor, new_password=NEW_PASSWORD, reason="  "
        )
    assert missing.value.errors[0].field == "reason"
    with pytest.raises(Forbidden):
        reset_approval.reset_request_create(
            actor=city.admin, user=city.auditor, new_password=NEW_PASSWORD, reason="遗忘"
        )
    assert refused("auth.reset_requested", city.auditor).count() == 1
    assert not PasswordResetRequest.objects.exists()


def test_api_reset_request_and_approval(city):
    security = TokenApi(city.security)
    created = security.post(
        "/password-resets",
        {"user_id": city.admin.pk, "new_password": NEW_PASSWORD, "reason": "遗忘密码"},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "pending" and body["username"] == "city_admin"
    own = security.post(f"/password-resets/{body['id']}/approve", {"note": ""})
    assert own.status_code == 403 and "另一名管理员" in own.json()["message"]
    listing = TokenApi(city.auditor).get("/password-resets", state="pending")
    assert listing.status_code == 200 and listing.json()["count"] == 1
    assert TokenApi(city.office).get("/password-resets").status_code == 404
    approved = TokenApi(city.auditor).post(f"/password-resets/{body['id']}/approve", {"note": ""})
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    no_note = TokenApi(city.auditor).post(f"/password-resets/{body['id']}/reject", {"note": ""})
    assert no_note.status_code == 422 and no_note.json()["errors"][0]["field"] == "note"


# ---- no business data for administrators -----------------------------------------------------


@pytest.fixture
def evidence(city):
    tree = make_plan(city)
    report = reports.report_save_draft(
        actor=city.liaison_a,
        assignment=tree.ind_lead,
        period="2026-04",
        value="4200",
        narrative="四月进展",
        today=dt.date(2026, 5, 20),
    )
    upload = SimpleUploadedFile("照片.png", PNG, content_type="image/png")
    item = reports.evidence_add(actor=city.liaison_a, report=report, upload=upload)
    return reports.report_submit(actor=city.liaison_a, report=report), item


@pytest.mark.parametrize("who", ["admin", "security"])
def test_administrators_read_no_report_and_no_evidence(city, login, evidence, who):
    """The probe: both administrators read every unit's reports and evidence
    (/api/v1/reports/{id}, /goals/evidence/1/). Now both are 404, as for any object out of
    scope, while the office still reads them."""
    report, item = evidence
    actor = getattr(city, who)
    assert TokenApi(actor).get(f"/reports/{report.pk}").status_code == 404
    assert login(actor).get(f"/goals/evidence/{item.pk}/").status_code == 404
    assert TokenApi(actor).get("/reports").json().get("count", 0) == 0
    assert TokenApi(city.office).get(f"/reports/{report.pk}").status_code == 200


def test_office_still_reads_the_evidence(city, login, evidence):
    _report, item = evidence
    assert login(city.office).get(f"/goals/evidence/{item.pk}/").status_code == 200


BUSINESS_SECTIONS = {"盯着干", "领着干", "比着干", "依法干", "行政执法"}


@pytest.mark.parametrize("who", ["admin", "security"])
def test_the_navigation_shows_administrators_no_business_section(city, login, who):
    response = login(getattr(city, who)).get("/")
    assert response.status_code == 200
    sections = {section["label"] for section in response.context["shell"]["nav"]}
    assert not sections & BUSINESS_SECTIONS, sections
    assert {"单位与领导", "系统管理"} <= sections


@pytest.mark.parametrize("who", ["admin", "security"])
def test_administrators_keep_the_directory_and_the_accounts(city, login, who):
    client = login(getattr(city, who))
    for url in (
        "/orgs/units/",
        f"/orgs/units/{city.town_a.pk}/",
        "/orgs/leaders/",
        "/orgs/users/",
        f"/orgs/users/{city.liaison_a.pk}/",
        "/orgs/password-resets/",
    ):
        assert client.get(url).status_code == 200, url
    api = TokenApi(getattr(city, who))
    assert api.get("/users").json()["count"] == User.objects.count()
    assert api.get(f"/units/{city.town_a.pk}").status_code == 200


def test_every_business_section_is_hidden_by_its_predicates():
    """Each entry of a business section is offered to business roles only (no entry of those
    sections answers to an administrator-only scope)."""
    from ganchao.orgs.scoping import Scope

    for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR):
        scope = Scope(frozenset({role}), ("/1/",), ())
        for section in NAV:
            if str(section.label) in BUSINESS_SECTIONS:
                shown = [str(c.label) for c in section.children if c.visible(scope)]
                assert not shown, (role, section.label, shown)
