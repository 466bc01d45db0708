"""The enforcement directory (B1, and the data B2/B7/B10 use): agencies, their officers with
certificates, the enforcement matters with their public versions, and the local settings."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganchao.audit.registry import register, register_object_type
from ganchao.audit.services import Target, audit_record
from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.enforcement import gates, permissions
from ganchao.enforcement.choices import (
    DEFAULT_AV_POLICY,
    ActionKind,
    AVPolicy,
    MatterCategory,
    MatterState,
)
from ganchao.enforcement.models import (
    Agency,
    AVRecordingPolicy,
    EnforcementMatter,
    EnforcementSettings,
    Officer,
)
from ganchao.enforcement.services.disclosure import public_cache_bump
from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of

register_object_type("enforcementsettings", gettext_lazy("行政执法设置"))

AGENCY_FIELDS = ("name", "basis", "address", "phone", "review_organ", "court", "seal_name")
AGENCY_LIMITS = {
    "name": 200,
    "address": 200,
    "phone": 40,
    "review_organ": 200,
    "court": 200,
    "seal_name": 200,
}

# B1: what must be public before a matter opens cases, with the refusal naming each one.
PUBLIC_FIELDS = {
    "legal_basis": gettext_lazy("未公开法律依据"),
    "procedure": gettext_lazy("未公开办理程序"),
    "flowchart": gettext_lazy("未公开执法流程图"),
    "accepting_body": gettext_lazy("未公开受理机构"),
    "approving_body": gettext_lazy("未公开决定机构"),
    "conditions": gettext_lazy("未公开受理条件"),
    "time_limit": gettext_lazy("未公开办理时限"),
    "remedy": gettext_lazy("未公开救济途径"),
    "discretion_standard": gettext_lazy("未公开裁量基准"),
    "discretion_link": gettext_lazy("未提供现行裁量基准的公开链接"),
}
MATTER_FIELDS = ("name", "category", *PUBLIC_FIELDS, "random_inspection")
MATTER_LIMITS = {
    "name": 200,
    "accepting_body": 200,
    "approving_body": 200,
    "time_limit": 200,
    "discretion_link": 300,
}
OFFICER_FIELDS = (
    "name",
    "certificate_no",
    "certificate_expires",
    "matters",
    "covers_all_matters",
    "is_reviewer",
    "legal_qualification",
    "grandfathered",
    "user",
)
# The range each local parameter may take (the settings form shows the same bounds).
SETTINGS_RANGES = {
    "review_working_days": (1, 60),
    "review_extension_working_days": (0, 60),
    "decide_calendar_days": (1, 365),
    "deliver_working_days": (1, 60),
    "hearing_request_working_days": (1, 60),
    "hearing_notice_working_days": (1, 60),
    "preservation_working_days": (1, 60),
    "publication_years": (1, 20),
    "publication_years_person": (1, 20),
    "repeat_window_days": (1, 3650),
    "complaint_threshold": (1, 1000),
    "complaint_window_days": (1, 3650),
    "escalate_after_working_days": (0, 60),
}
MONEY_FIELDS = ("major_fine_person", "major_fine_organisation")
FLAG_FIELDS = ("major_revoke_licence", "major_stop_production", "publish_all_penalties")
SETTINGS_FIELDS = (*MONEY_FIELDS, *FLAG_FIELDS, *SETTINGS_RANGES)
MAX_FINE = Decimal("1e12")


def _target(obj) -> Target:
    if isinstance(obj, Agency):
        return Target("enforcementagency", str(obj.pk), obj.name[:300])
    if isinstance(obj, Officer):
        return Target("enforcementofficer", str(obj.pk), obj.name[:300])
    return Target("enforcementmatter", str(obj.pk), f"{obj.code} {obj}"[:300])


def _audit(actor, action, obj, changes=None, reason=""):
    audit_record(
        actor=actor, action=action, target=_target(obj), changes=changes or {}, reason=reason
    )
    if isinstance(obj, Agency | Officer | EnforcementMatter):
        public_cache_bump()  # the public portal lists agencies, certified officers and matters


def _plain(value):
    if isinstance(value, dt.date | Decimal):
        return str(value)
    if hasattr(value, "pk"):
        return str(value)
    return value


def _apply(obj, fields: dict) -> dict:
    """Set the fields on obj; the changes as {name: {before, after}} for the audit."""
    changes = {}
    for name, value in fields.items():
        before = getattr(obj, name)
        if before != value:
            changes[name] = {"before": _plain(before), "after": _plain(value)}
            setattr(obj, name, value)
    return changes


def _text(value, name: str, label, *, required=False, limit=None) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else None
    if text is None:
        raise ValidationFailed.on(name, _("%(label)s应为文字") % {"label": label})
    if required and not text:
        raise ValidationFailed.on(name, _("请填写%(label)s") % {"label": label})
    if limit and len(text) > limit:
        raise ValidationFailed.on(
            name, _("%(label)s不能超过%(n)d个字") % {"label": label, "n": limit}
        )
    return text


def _flag(value, name: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationFailed.on(name, _("请选择“是”或“否”"))
    return value


def _label(model, name: str):
    return model._meta.get_field(name).verbose_name


def _unknown(fields, allowed) -> None:
    for name in fields:
        if name not in allowed:
            raise ValidationFailed.on(name, _("不能修改该字段"))


# ---------------------------------------------------------------- agencies


def _require_office(actor) -> None:
    if not permissions.is_office(actor):
        raise Forbidden(_("只有政府办公室（督查室）可以维护执法主体"))


def _agency_fields(fields: dict) -> dict:
    clean = {}
    for name, value in fields.items():
        if name == "active":
            clean[name] = _flag(value, name)
            continue
        clean[name] = _text(
            value,
            name,
            _label(Agency, name),
            required=name == "name",
            limit=AGENCY_LIMITS.get(name),
        )
    return clean


def agency_create(*, actor, unit, name: str, **fields) -> Agency:
    """A unit becomes an enforcement organ (one agency per unit): office only."""
    _require_office(actor)
    _unknown(fields, AGENCY_FIELDS)
    if unit is None:
        raise ValidationFailed.on("unit", _("请选择单位"))
    clean = _agency_fields({"name": name, **fields})
    with transaction.atomic():
        if Agency.objects.filter(unit=unit).exists():
            raise ValidationFailed.on(
                "unit", _("“%(unit)s”已有执法主体，一个单位只能有一个") % {"unit": unit.name}
            )
        try:
            with transaction.atomic():
                agency = Agency.objects.create(unit=unit, created_by=actor, **clean)
        except IntegrityError:
            raise ValidationFailed.on("unit", _("该单位已有执法主体")) from None
        _audit(
            actor,
            "enforcement.agency_create",
            agency,
            {k: {"before": None, "after": v} for k, v in clean.items() if v},
        )
    return agency


def agency_update(*, actor, agency, **fields) -> Agency:
    _require_office(actor)
    _unknown(fields, (*AGENCY_FIELDS, "active"))
    clean = _agency_fields(fields)
    with transaction.atomic():
        agency = Agency.objects.select_for_update().select_related("unit").get(pk=agency.pk)
        changes = _apply(agency, clean)
        if changes:
            agency.save(update_fields=[*changes, "updated_at"])
            _audit(actor, "enforcement.agency_update", agency, changes)
    return agency


# ---------------------------------------------------------------- officers


def _require_manager(actor, agency) -> None:
    if not permissions.manages_agency(actor, agency):
        raise Forbidden(_("只有本执法主体的负责人、联络员或督查室可以维护执法人员和执法事项"))


def _officer_fields(agency, fields: dict, officer=None) -> dict:
    clean = {}
    for name, value in fields.items():
        if name in ("covers_all_matters", "is_reviewer", "legal_qualification", "grandfathered"):
            clean[name] = _flag(value, name)
        elif name == "name":
            clean[name] = _text(value, name, _("姓名"), required=True, limit=50)
        elif name == "certificate_no":
            clean[name] = _text(value, name, _("执法证号"), limit=40).upper()
        elif name == "certificate_expires":
            if value is not None and not isinstance(value, dt.date):
                raise ValidationFailed.on(name, _("执法证有效期应为日期"))
            clean[name] = value
        elif name == "matters":
            clean[name] = list(dict.fromkeys(value or []))
            if any(m.agency_id != agency.pk for m in clean[name]):
                raise ValidationFailed.on(name, _("只能选择本执法主体的执法事项"))
        else:
            clean[name] = value
    _officer_uniques(clean, officer)
    return clean


def _officer_uniques(clean: dict, officer) -> None:
    others = Officer.objects.exclude(pk=officer.pk) if officer else Officer.objects.all()
    number = clean.get("certificate_no")
    if number and others.filter(certificate_no=number).exists():
        raise ValidationFailed.on(
            "certificate_no", _("执法证号“%(no)s”已登记给其他执法人员") % {"no": number}
        )
    user = clean.get("user")
    if user is not None and others.filter(user=user).exists():
        raise ValidationFailed.on("user", _("该系统账号已关联其他执法人员"))


def _officer_complete(officer) -> None:
    """An enforcement officer (not a reviewer only) holds a certificate with its expiry."""
    if officer.is_reviewer:
        return
    if not officer.certificate_no:
        raise ValidationFailed.on("certificate_no", _("执法人员须填写执法证号"))
    if officer.certificate_expires is None:
        raise ValidationFailed.on("certificate_expires", _("执法人员须填写执法证有效期"))


def _save_officer(officer, matters) -> None:
    try:
        with transaction.atomic():
            officer.save()
            if matters is not None:
                officer.matters.set(matters)
    except IntegrityError:
        raise ValidationFailed.on(
            "certificate_no", _("执法证号或系统账号已登记给其他执法人员")
        ) from None


def officer_create(*, actor, agency, name: str, **fields) -> Officer:
    """An officer (or legal reviewer) of the agency, with the matters the certificate covers."""
    _require_manager(actor, agency)
    _unknown(fields, OFFICER_FIELDS)
    with transaction.atomic():
        clean = _officer_fields(agency, {"name": name, **fields})
        matters = clean.pop("matters", [])
        officer = Officer(agency=agency, **clean)
        _officer_complete(officer)
        _save_officer(officer, matters)
        changes = {k: {"before": None, "after": _plain(v)} for k, v in clean.items() if v}
        if matters:
            changes["matters"] = {"before": None, "after": [m.name for m in matters]}
        _audit(actor, "enforcement.officer_create", officer, changes)
    return officer


def officer_update(*, actor, officer, **fields) -> Officer:
    _require_manager(actor, officer.agency)
    _unknown(fields, OFFICER_FIELDS)
    with transaction.atomic():
        officer = Officer.objects.select_for_update().get(pk=officer.pk)
        clean = _officer_fields(officer.agency, fields, officer)
        matters = clean.pop("matters", None)
        changes = _apply(officer, clean)
        _officer_complete(officer)
        if matters is not None:
            before = sorted(m.name for m in officer.matters.all())
            after = sorted(m.name for m in matters)
            if before != after:
                changes["matters"] = {"before": before, "after": after}
        if changes:
            _save_officer(officer, matters)
            _audit(actor, "enforcement.officer_update", officer, changes)
    return officer


def officer_deactivate(*, actor, officer, reason: str = "") -> Officer:
    """调离或注销: the officer stays on the cases already handled but takes no new ones."""
    _require_manager(actor, officer.agency)
    reason = _text(reason, "reason", _("原因"), limit=500)
    with transaction.atomic():
        officer = Officer.objects.select_for_update().get(pk=officer.pk)
        if not officer.active:
            raise Conflict(_("%(name)s已不在岗") % {"name": officer.name})
        officer.active = False
        officer.save(update_fields=["active", "updated_at"])
        _audit(
            actor,
            "enforcement.officer_deactivate",
            officer,
            {"active": {"before": True, "after": False}},
            reason,
        )
    return officer


# ---------------------------------------------------------------- matters


def _matter_fields(fields: dict) -> dict:
    clean = {}
    for name, value in fields.items():
        if name == "random_inspection":
            clean[name] = _flag(value, name)
        elif name == "category":
            if value not in MatterCategory.values:
                raise ValidationFailed.on(name, _("请选择执法类别"))
            clean[name] = value
        else:
            label = _label(EnforcementMatter, name)
            clean[name] = _text(
                value, name, label, required=name == "name", limit=MATTER_LIMITS.get(name)
            )
    link = clean.get("discretion_link")
    # a site path or a full address; "//host" would leave the site without saying so
    if link and (not link.startswith(("http://", "https://", "/")) or link.startswith("//")):
        raise ValidationFailed.on(
            "discretion_link", _("裁量基准公开链接应以 http://、https:// 或 / 开头")
        )
    return clean


def _lock_matter(matter) -> EnforcementMatter:
    return (
        EnforcementMatter.objects.select_for_update(of=("self",))
        .select_related("agency", "agency__unit")
        .get(pk=matter.pk)
    )


def matter_create(*, actor, agency, code: str, name: str, category: str, **fields):
    """A new matter, first version, as a draft."""
    _require_manager(actor, agency)
    _unknown(fields, MATTER_FIELDS)
    code = _text(code, "code", _("事项编码"), required=True, limit=40).upper()
    clean = _matter_fields({"name": name, "category": category, **fields})
    with transaction.atomic():
        if EnforcementMatter.objects.filter(agency=agency, code=code).exists():
            raise ValidationFailed.on(
                "code", _("本执法主体已有编码为“%(code)s”的事项") % {"code": code}
            )
        try:
            with transaction.atomic():
                matter = EnforcementMatter.objects.create(
                    agency=agency, code=code, number=1, created_by=actor, **clean
                )
        except IntegrityError:
            raise ValidationFailed.on("code", _("事项编码重复")) from None
        _audit(
            actor,
            "enforcement.matter_create",
            matter,
            {"code": {"before": None, "after": code}, "name": {"before": None, "after": name}},
        )
    return matter


def matter_update(*, actor, matter, **fields) -> EnforcementMatter:
    """Edit a draft. A published matter is never edited: its changes (above all of the legal
    basis) make a new version (matter_revise)."""
    _require_manager(actor, matter.agency)
    _unknown(fields, MATTER_FIELDS)
    clean = _matter_fields(fields)
    with transaction.atomic():
        matter = _lock_matter(matter)
        if matter.state == MatterState.PUBLISHED:
            raise ProcedureBlocked.rule(
                "B1",
                _("已公示的执法事项不能直接修改；法律依据等内容变化的，请修订并公示新版本"),
            )
        if matter.state != MatterState.DRAFT:
            raise Conflict(
                _("执法事项%(state)s，不能修改") % {"state": MatterState(matter.state).label}
            )
        changes = _apply(matter, clean)
        if changes:
            matter.save(update_fields=[*changes, "updated_at"])
            _audit(actor, "enforcement.matter_update", matter, changes)
    return matter


def missing_public_fields(matter) -> list[gates.Blocker]:
    """B1: each public field still empty, as a blocker."""
    return [
        gates.Blocker("B1", str(message))
        for name, message in PUBLIC_FIELDS.items()
        if not str(getattr(matter, name) or "").strip()
    ]


def matter_publish(*, actor, matter) -> EnforcementMatter:
    """公示: the draft becomes the version cases are opened under; the version it revises is
    superseded (its cases keep it)."""
    _require_manager(actor, matter.agency)
    with transaction.atomic():
        matter = _lock_matter(matter)
        if matter.state != MatterState.DRAFT:
            raise Conflict(
                _("执法事项%(state)s，不能再公示") % {"state": MatterState(matter.state).label}
            )
        found = missing_public_fields(matter)
        if found:
            raise ProcedureBlocked.of(_("公示执法事项"), found)
        changes = {"state": {"before": matter.state, "after": MatterState.PUBLISHED}}
        if matter.previous_id:
            old = EnforcementMatter.objects.select_for_update().get(pk=matter.previous_id)
            if old.state == MatterState.PUBLISHED:
                old.state = MatterState.SUPERSEDED
                old.save(update_fields=["state", "updated_at"])
                _audit(
                    actor,
                    "enforcement.matter_supersede",
                    old,
                    {"state": {"before": MatterState.PUBLISHED, "after": old.state}},
                    matter.change_note,
                )
        matter.state = MatterState.PUBLISHED
        matter.published_at = timezone.now()
        matter.save(update_fields=["state", "published_at", "updated_at"])
        _audit(actor, "enforcement.matter_publish", matter, changes)
    return matter


def matter_revise(*, actor, matter, change_note: str, **changes) -> EnforcementMatter:
    """A new draft version (number + 1) of a published matter with the changes; the published
    one stays in force until the new one is published."""
    _require_manager(actor, matter.agency)
    _unknown(changes, MATTER_FIELDS)
    change_note = _text(change_note, "change_note", _("修订说明"), required=True, limit=2000)
    clean = _matter_fields(changes)
    with transaction.atomic():
        matter = _lock_matter(matter)
        if matter.state != MatterState.PUBLISHED:
            raise Conflict(_("只有已公示的执法事项可以修订"))
        if EnforcementMatter.objects.filter(previous=matter).exists():
            raise Conflict(_("该事项已有待公示的新版本，请修改或公示该版本"))
        copied = {name: getattr(matter, name) for name in MATTER_FIELDS}
        new = EnforcementMatter(
            agency=matter.agency,
            code=matter.code,
            number=matter.number + 1,
            previous=matter,
            state=MatterState.DRAFT,
            change_note=change_note,
            created_by=actor,
            **copied,
        )
        diff = _apply(new, clean)
        if not diff:
            raise ValidationFailed.on(
                "change_note", _("修订内容与现行版本相同，请填写要修改的内容")
            )
        new.save()
        new.officers.set(matter.officers.all())
        _audit(actor, "enforcement.matter_revise", new, diff, change_note)
    return new


def matter_repeal(*, actor, matter, reason: str) -> EnforcementMatter:
    """停用: no new case under the matter; its cases go on."""
    _require_manager(actor, matter.agency)
    reason = _text(reason, "reason", _("停用理由"), required=True, limit=500)
    with transaction.atomic():
        matter = _lock_matter(matter)
        if matter.state not in (MatterState.PUBLISHED, MatterState.DRAFT):
            raise Conflict(
                _("执法事项%(state)s，不能停用") % {"state": MatterState(matter.state).label}
            )
        before = matter.state
        matter.state = MatterState.REPEALED
        matter.save(update_fields=["state", "updated_at"])
        _audit(
            actor,
            "enforcement.matter_repeal",
            matter,
            {"state": {"before": before, "after": matter.state}},
            reason,
        )
    return matter


# ---------------------------------------------------------------- settings


def may_manage_settings(actor) -> bool:
    return scope_of(actor).has(Role.OFFICE, Role.SYSTEM_ADMIN)


def _require_settings(actor) -> None:
    if not may_manage_settings(actor):
        raise Forbidden(_("只有政府办公室（督查室）或系统管理员可以修改行政执法设置"))


def _setting_value(name: str, value):
    if name in FLAG_FIELDS:
        return _flag(value, name)
    if name in MONEY_FIELDS:
        try:
            amount = Decimal(str(value))
        except (InvalidOperation, ValueError):
            raise ValidationFailed.on(name, _("金额应为数字")) from None
        if isinstance(value, bool) or not amount.is_finite() or not 0 < amount < MAX_FINE:
            raise ValidationFailed.on(name, _("金额应大于0且小于1万亿元"))
        return amount.quantize(Decimal("0.01"))
    low, high = SETTINGS_RANGES[name]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationFailed.on(
            name, _("应为%(low)d至%(high)d之间的整数") % {"low": low, "high": high}
        )
    return value


def settings_update(*, actor, **fields) -> EnforcementSettings:
    """The local parameters (thresholds, time limits, publication): office or system admin."""
    _require_settings(actor)
    _unknown(fields, SETTINGS_FIELDS)
    clean = {name: _setting_value(name, value) for name, value in fields.items()}
    with transaction.atomic():
        obj, _created = EnforcementSettings.objects.select_for_update().get_or_create(pk=1)
        changes = _apply(obj, clean)
        if changes:
            obj.save(update_fields=[*changes, "updated_at"])
            audit_record(
                actor=actor,
                action="enforcement.settings_update",
                target=Target("enforcementsettings", "1", str(_("行政执法设置"))),
                changes=changes,
            )
    return obj


def av_policy_set(*, actor, action_kind: str, policy: str | None) -> str:
    """B7: the audio-video policy of an action kind; None (or the default) removes the
    override. Returns the effective policy."""
    _require_settings(actor)
    if action_kind not in ActionKind.values:
        raise ValidationFailed.on("action_kind", _("执法活动类型无效"))
    if policy not in (None, "", *AVPolicy.values):
        raise ValidationFailed.on(action_kind, _("音像记录要求无效"))
    default = DEFAULT_AV_POLICY.get(action_kind, AVPolicy.NOT_REQUIRED)
    wanted = policy or default
    with transaction.atomic():
        row = AVRecordingPolicy.objects.select_for_update().filter(action_kind=action_kind).first()
        before = row.policy if row else default
        if wanted == default:
            if row:
                row.delete()
        elif row:
            row.policy = wanted
            row.save(update_fields=["policy", "updated_at"])
        else:
            AVRecordingPolicy.objects.create(action_kind=action_kind, policy=wanted)
        if before != wanted:
            audit_record(
                actor=actor,
                action="enforcement.av_policy_set",
                target=Target("enforcementsettings", "1", str(ActionKind(action_kind).label)),
                changes={action_kind: {"before": before, "after": wanted}},
            )
    return wanted


register("enforcement.agency_create", gettext_lazy("新增执法主体"))
register("enforcement.agency_update", gettext_lazy("修改执法主体"))
register("enforcement.officer_create", gettext_lazy("新增执法人员"))
register("enforcement.officer_update", gettext_lazy("修改执法人员"))
register("enforcement.officer_deactivate", gettext_lazy("执法人员离岗"))
register("enforcement.matter_create", gettext_lazy("新增执法事项"))
register("enforcement.matter_update", gettext_lazy("修改执法事项草稿"))
register("enforcement.matter_publish", gettext_lazy("公示执法事项"))
register("enforcement.matter_supersede", gettext_lazy("执法事项被新版本取代"))
register("enforcement.matter_revise", gettext_lazy("修订执法事项（新版本）"))
register("enforcement.matter_repeal", gettext_lazy("停用执法事项"))
register("enforcement.settings_update", gettext_lazy("修改行政执法设置"))
register("enforcement.av_policy_set", gettext_lazy("修改音像记录要求"))
