"""The enforcement directory: agencies, officers and their certificates, matters with their
public versions (B1), and the settings with the B7 audio-video policies."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction

from ganchao.audit.models import AuditEvent
from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.conftest import make_unit, make_user
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.enforcement import selectors, services
from ganchao.enforcement.choices import ActionKind, AVPolicy, MatterCategory, MatterState
from ganchao.enforcement.models import Agency, EnforcementMatter, settings_get
from ganchao.enforcement.selectors_directory import av_policy_rows, certificate_state
from ganchao.enforcement.services.directory import PUBLIC_FIELDS
from ganchao.orgs.choices import Role, UnitType

pytestmark = pytest.mark.django_db

PUBLIC = {
    "legal_basis": "《城市市容和环境卫生管理条例》第三十六条",
    "procedure": "立案、调查取证、审核、告知、决定、送达、执行、结案",
    "accepting_body": "赶超市城市管理综合行政执法局",
    "approving_body": "赶超市城市管理综合行政执法局",
    "conditions": "发现占道经营行为，有证据初步证明的",
    "time_limit": "立案之日起90日内作出决定",
    "remedy": "可以在收到决定书之日起60日内申请行政复议，或者6个月内提起行政诉讼",
    "discretion_standard": "首次违法且及时改正的，不予处罚",
    "discretion_link": "/public/enforcement/discretion/cg-002",
}
FLOWCHART = "立案→调查取证→审核→告知→决定→送达→执行→结案"


def _call(service, **kwargs):
    with transaction.atomic():
        return service(**kwargs)


def _draft(ecity, code="CG-201", name="占道经营处罚", **extra):
    fields = {**PUBLIC, **extra}
    return _call(
        services.matter_create,
        actor=ecity.cg_liaison,
        agency=ecity.agency,
        code=code,
        name=name,
        category=MatterCategory.PENALTY,
        **fields,
    )


# ---------------------------------------------------------------- B1


def test_b1_matter_without_published_flowchart_opens_no_case(ecity):
    """Given enforcement matter "占道经营处罚" with no published flowchart. When an officer opens
    a case under it, Then case creation is refused."""
    matter = _draft(ecity)
    with pytest.raises(ProcedureBlocked) as refused:
        _call(services.matter_publish, actor=ecity.cg_liaison, matter=matter)
    assert {e.field for e in refused.value.errors} == {"B1"}
    assert [e.message for e in refused.value.errors] == ["未公开执法流程图"]
    matter.refresh_from_db()
    assert matter.state == MatterState.DRAFT
    with pytest.raises(ProcedureBlocked) as opened:
        ecity.open_case(matter=matter)
    assert opened.value.errors[0].field == "B1"
    assert "占道经营处罚" in opened.value.message


def test_b1_publish_names_every_missing_public_field(ecity):
    matter = _call(
        services.matter_create,
        actor=ecity.cg_liaison,
        agency=ecity.agency,
        code="CG-202",
        name="户外广告处罚",
        category=MatterCategory.PENALTY,
    )
    with pytest.raises(ProcedureBlocked) as refused:
        _call(services.matter_publish, actor=ecity.cg_liaison, matter=matter)
    messages = [e.message for e in refused.value.errors]
    assert messages == [str(m) for m in PUBLIC_FIELDS.values()]
    assert "未公开执法流程图" in messages and "未公开救济途径" in messages
    assert "等10项" in refused.value.message


def test_b1_complete_matter_publishes_and_opens_cases(ecity):
    matter = _draft(ecity, flowchart=FLOWCHART)
    _call(services.matter_publish, actor=ecity.cg_liaison, matter=matter)
    matter.refresh_from_db()
    assert matter.state == MatterState.PUBLISHED and matter.published_at is not None
    assert AuditEvent.objects.filter(action="enforcement.matter_publish").count() == 1
    ecity.officer_a.matters.add(matter)
    ecity.officer_b.matters.add(matter)
    case = ecity.open_case(matter=matter)
    assert case.matter == matter


# ---------------------------------------------------------------- versions


def test_revise_publish_supersedes_and_old_cases_keep_their_version(ecity):
    old = ecity.vending
    case = ecity.open_case(matter=old)
    new = _call(
        services.matter_revise,
        actor=ecity.cg_liaison,
        matter=old,
        change_note="条例修订，依据条款变化",
        legal_basis="《赶超市市容管理条例》（2026年修订）第二十条",
    )
    assert new.state == MatterState.DRAFT and new.number == 2 and new.previous == old
    assert new.flowchart == old.flowchart and new.code == old.code
    old.refresh_from_db()
    assert old.state == MatterState.PUBLISHED
    # officers covering the old version cover the new one
    assert set(new.officers.all()) == set(old.officers.all())
    _call(services.matter_publish, actor=ecity.cg_liaison, matter=new)
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.state == MatterState.SUPERSEDED and new.state == MatterState.PUBLISHED
    case.refresh_from_db()
    assert case.matter_id == old.pk
    with pytest.raises(ProcedureBlocked):
        ecity.open_case(matter=old)
    assert ecity.open_case(matter=new).matter_id == new.pk


def test_published_matter_is_never_edited_in_place(ecity):
    with pytest.raises(ProcedureBlocked) as refused:
        _call(
            services.matter_update,
            actor=ecity.cg_liaison,
            matter=ecity.vending,
            legal_basis="另一条款",
        )
    assert refused.value.errors[0].field == "B1"
    ecity.vending.refresh_from_db()
    assert ecity.vending.legal_basis == "《城市市容和环境卫生管理条例》第三十六条"


def test_revise_needs_a_note_a_change_and_one_pending_version(ecity):
    with pytest.raises(ValidationFailed) as no_note:
        _call(services.matter_revise, actor=ecity.cg_liaison, matter=ecity.vending, change_note="")
    assert no_note.value.errors[0].field == "change_note"
    with pytest.raises(ValidationFailed):
        _call(
            services.matter_revise,
            actor=ecity.cg_liaison,
            matter=ecity.vending,
            change_note="无变化",
        )
    _call(
        services.matter_revise,
        actor=ecity.cg_liaison,
        matter=ecity.vending,
        change_note="调整时限",
        time_limit="立案之日起60日内",
    )
    with pytest.raises(Conflict):
        _call(
            services.matter_revise,
            actor=ecity.cg_liaison,
            matter=ecity.vending,
            change_note="再次调整",
            time_limit="立案之日起30日内",
        )


def test_draft_is_edited_and_repealed_matter_opens_no_case(ecity):
    matter = _draft(ecity)
    _call(services.matter_update, actor=ecity.cg_liaison, matter=matter, flowchart=FLOWCHART)
    matter.refresh_from_db()
    assert matter.flowchart == FLOWCHART
    _call(services.matter_repeal, actor=ecity.cg_liaison, matter=ecity.vending, reason="职能划转")
    ecity.vending.refresh_from_db()
    assert ecity.vending.state == MatterState.REPEALED
    with pytest.raises(ProcedureBlocked):
        ecity.open_case(matter=ecity.vending)
    with pytest.raises(ValidationFailed):
        _call(services.matter_repeal, actor=ecity.cg_liaison, matter=ecity.building, reason="")


def test_matter_code_unique_within_agency_and_link_checked(ecity):
    with pytest.raises(ValidationFailed) as dup:
        _draft(ecity, code="CG-002")
    assert dup.value.errors[0].field == "code"
    with pytest.raises(ValidationFailed) as link:
        _draft(ecity, discretion_link="javascript:alert(1)")
    assert link.value.errors[0].field == "discretion_link"
    with pytest.raises(ValidationFailed):
        _draft(ecity, code="CG-203", discretion_link="//example.com/x")


# ---------------------------------------------------------------- agencies


def test_agency_create_office_only_and_one_per_unit(ecity):
    unit = make_unit("市市场监督管理局", UnitType.DEPARTMENT, ecity.root, code="C013")
    with pytest.raises(Forbidden):
        _call(services.agency_create, actor=ecity.head, unit=unit, name="赶超市市场监督管理局")
    agency = _call(
        services.agency_create,
        actor=ecity.office,
        unit=unit,
        name="赶超市市场监督管理局",
        review_organ="赶超市人民政府",
    )
    assert agency.unit == unit and agency.review_organ == "赶超市人民政府"
    with pytest.raises(ValidationFailed) as dup:
        _call(services.agency_create, actor=ecity.office, unit=unit, name="另一个")
    assert dup.value.errors[0].field == "unit"
    _call(services.agency_update, actor=ecity.office, agency=agency, phone="0000-1234")
    agency.refresh_from_db()
    assert agency.phone == "0000-1234"
    event = AuditEvent.objects.filter(action="enforcement.agency_update").get()
    assert event.changes == {"phone": {"before": "", "after": "0000-1234"}}
    assert Agency.objects.filter(unit=unit).count() == 1


# ---------------------------------------------------------------- officers


def test_officer_certificate_number_is_unique(ecity):
    with pytest.raises(ValidationFailed) as dup:
        _call(
            services.officer_create,
            actor=ecity.cg_liaison,
            agency=ecity.agency,
            name="钱执法",
            certificate_no="ZF3701001",
            certificate_expires=dt.date(2030, 1, 1),
        )
    assert dup.value.errors[0].field == "certificate_no"
    officer = _call(
        services.officer_create,
        actor=ecity.cg_liaison,
        agency=ecity.agency,
        name="钱执法",
        certificate_no="ZF3701009",
        certificate_expires=dt.date(2030, 1, 1),
        matters=[ecity.vending],
    )
    assert list(officer.matters.all()) == [ecity.vending]
    with pytest.raises(ValidationFailed):
        _call(
            services.officer_update,
            actor=ecity.cg_liaison,
            officer=officer,
            certificate_no="ZF3701002",
        )


def test_officer_matters_only_of_own_agency_and_account_unique(ecity):
    other = EnforcementMatter.objects.create(
        agency=ecity.agency2, code="NR-001", name="非法占地处罚", category="penalty"
    )
    with pytest.raises(ValidationFailed) as foreign:
        _call(
            services.officer_create,
            actor=ecity.cg_liaison,
            agency=ecity.agency,
            name="钱执法",
            certificate_no="ZF3701010",
            certificate_expires=dt.date(2030, 1, 1),
            matters=[other],
        )
    assert foreign.value.errors[0].field == "matters"
    with pytest.raises(ValidationFailed) as account:
        _call(
            services.officer_create,
            actor=ecity.cg_liaison,
            agency=ecity.agency,
            name="钱执法",
            certificate_no="ZF3701010",
            certificate_expires=dt.date(2030, 1, 1),
            user=ecity.officer_user_a,
        )
    assert account.value.errors[0].field == "user"
    with pytest.raises(ValidationFailed) as no_certificate:
        _call(services.officer_create, actor=ecity.cg_liaison, agency=ecity.agency, name="吴某")
    assert no_certificate.value.errors[0].field == "certificate_no"
    reviewer = _call(
        services.officer_create,
        actor=ecity.cg_liaison,
        agency=ecity.agency,
        name="郑审核",
        is_reviewer=True,
        grandfathered=True,
    )
    assert reviewer.grandfathered and not reviewer.certificate_no


def test_liaison_of_another_unit_cannot_edit(ecity):
    """Given the liaison of 西湖镇. When it edits the 城管局's officer or matter, Then refused."""
    for service, kwargs in (
        (services.officer_update, {"officer": ecity.officer_a, "name": "改名"}),
        (services.officer_deactivate, {"officer": ecity.officer_a}),
        (services.matter_revise, {"matter": ecity.vending, "change_note": "x", "name": "y"}),
        (services.matter_repeal, {"matter": ecity.vending, "reason": "x"}),
        (services.agency_update, {"agency": ecity.agency, "name": "y"}),
    ):
        with pytest.raises(Forbidden):
            _call(service, actor=ecity.liaison_a, **kwargs)
    nr_liaison = make_user("nr_liaison", ecity.nr_unit, Role.LIAISON)
    with pytest.raises(Forbidden):
        _draft_for(ecity.agency, nr_liaison)
    ecity.officer_a.refresh_from_db()
    assert ecity.officer_a.name == "张执法"


def _draft_for(agency, actor):
    return _call(
        services.matter_create,
        actor=actor,
        agency=agency,
        code="X-1",
        name="某事项",
        category=MatterCategory.PENALTY,
    )


def test_deactivated_officer_takes_no_new_case(ecity):
    _call(
        services.officer_deactivate,
        actor=ecity.head,
        officer=ecity.officer_b,
        reason="调离执法岗位",
    )
    ecity.officer_b.refresh_from_db()
    assert not ecity.officer_b.active
    with pytest.raises(ProcedureBlocked):
        ecity.open_case()
    with pytest.raises(Conflict):
        _call(services.officer_deactivate, actor=ecity.head, officer=ecity.officer_b)


def test_certificate_state():
    today = dt.date(2026, 3, 1)
    assert certificate_state(dt.date(2026, 2, 28), today) == "expired"
    assert certificate_state(dt.date(2026, 3, 1), today) == "expiring"
    assert certificate_state(dt.date(2026, 3, 31), today) == "expiring"
    assert certificate_state(dt.date(2026, 4, 1), today) == "valid"
    assert certificate_state(None, today) == "none"


# ---------------------------------------------------------------- settings


def test_settings_update_validates_ranges_and_audits(ecity):
    with pytest.raises(Forbidden):
        _call(services.settings_update, actor=ecity.head, review_working_days=10)
    with pytest.raises(ValidationFailed) as bad:
        _call(services.settings_update, actor=ecity.office, review_working_days=0)
    assert bad.value.errors[0].field == "review_working_days"
    with pytest.raises(ValidationFailed):
        _call(services.settings_update, actor=ecity.office, major_fine_person="-1")
    _call(
        services.settings_update,
        actor=ecity.admin,
        review_working_days=10,
        major_fine_person=Decimal(20000),
    )
    current = settings_get()
    assert current.review_working_days == 10 and current.major_fine_person == Decimal(20000)
    assert selectors.thresholds().fine_person == Decimal(20000)
    assert AuditEvent.objects.filter(action="enforcement.settings_update").count() == 1


def test_av_policy_override_and_back_to_default(ecity):
    kind = ActionKind.SITE_INSPECTION
    _call(
        services.av_policy_set,
        actor=ecity.office,
        action_kind=kind,
        policy=AVPolicy.MANDATORY_CONTINUOUS,
    )
    assert selectors.av_policies()[kind] == AVPolicy.MANDATORY_CONTINUOUS
    row = next(r for r in av_policy_rows() if r.kind == kind)
    assert row.overridden and row.default == AVPolicy.AS_NEEDED
    _call(services.av_policy_set, actor=ecity.office, action_kind=kind, policy=None)
    assert selectors.av_policies()[kind] == AVPolicy.AS_NEEDED
    with pytest.raises(ValidationFailed):
        _call(services.av_policy_set, actor=ecity.office, action_kind="bogus", policy=None)
