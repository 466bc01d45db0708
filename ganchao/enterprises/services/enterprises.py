"""Enterprises, their commissioners (服务专员) and visits."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.audit.services import diff
from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.enterprises import creditcode, permissions
from ganchao.enterprises.choices import Scale, Sector
from ganchao.enterprises.models import Commissioner, Enterprise, EnterpriseVisit
from ganchao.enterprises.services.base import check_version, choice, record_enterprise, text
from ganchao.orgs.choices import GRASSROOTS_TYPES, Role
from ganchao.orgs.scoping import scope_of

EDITABLE = (
    "name",
    "credit_code",
    "sector",
    "scale",
    "town",
    "address",
    "contact",
    "phone",
    "active",
)


def clean_credit_code(raw, *, exclude_pk=None) -> str:
    code = creditcode.normalise(raw)
    found = creditcode.errors(code)
    if found:
        raise ValidationFailed.on("credit_code", "；".join(found))
    taken = Enterprise.objects.filter(credit_code=code)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    name = taken.values_list("name", flat=True).first()
    if name:
        raise ValidationFailed.on(
            "credit_code", _("统一社会信用代码已登记为“%(name)s”") % {"name": name}
        )
    return code


def _clean(fields: dict, *, exclude_pk=None) -> dict:
    clean = dict(fields)
    if "name" in fields:
        clean["name"] = text(fields["name"], "name", _("企业名称"), limit=200)
    if "credit_code" in fields:
        clean["credit_code"] = clean_credit_code(fields["credit_code"], exclude_pk=exclude_pk)
    if "sector" in fields:
        choice(fields["sector"], "sector", _("行业"), Sector)
    if "scale" in fields:
        choice(fields["scale"], "scale", _("规模"), Scale)
    if "town" in fields and (fields["town"] is None or fields["town"].type not in GRASSROOTS_TYPES):
        raise ValidationFailed.on("town", _("所在镇街应为镇、街道或园区"))
    for name, label, limit in (
        ("address", _("地址"), 200),
        ("contact", _("联系人"), 50),
        ("phone", _("联系电话"), 30),
    ):
        if name in fields:
            clean[name] = text(fields[name], name, label, required=False, limit=limit)
    return clean


def enterprise_create(
    *,
    actor,
    name,
    credit_code,
    sector,
    scale,
    town,
    address="",
    contact="",
    phone="",
) -> Enterprise:
    """登记企业: the office or the town's head or liaison; the credit code must be valid."""
    if town is not None and not permissions.keeps_town(actor, town):
        raise Forbidden(_("只有督查室或企业所在镇街的负责人、联络员可以登记企业"))
    fields = _clean(
        {
            "name": name,
            "credit_code": credit_code,
            "sector": sector,
            "scale": scale,
            "town": town,
            "address": address,
            "contact": contact,
            "phone": phone,
        }
    )
    try:
        with transaction.atomic():
            enterprise = Enterprise.objects.create(**fields)
            record_enterprise(
                actor=actor,
                enterprise=enterprise,
                action="enterprises.enterprise_create",
                changes=diff({}, {"name": enterprise.name, "credit_code": enterprise.credit_code}),
            )
    except IntegrityError as exc:
        raise ValidationFailed.on("credit_code", _("统一社会信用代码已登记")) from exc
    return enterprise


def enterprise_update(*, actor, enterprise, version=None, **fields) -> Enterprise:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationFailed.on(sorted(unknown)[0], _("该字段不能修改"))
    if not permissions.keeps_town(actor, enterprise.town) or (
        "town" in fields and fields["town"] and not permissions.keeps_town(actor, fields["town"])
    ):
        raise Forbidden(_("只有督查室或企业所在镇街的负责人、联络员可以修改企业信息"))
    clean = _clean(fields, exclude_pk=enterprise.pk)
    with transaction.atomic():
        enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        check_version(enterprise, version)
        before = {name: getattr(enterprise, name) for name in clean}
        for name, value in clean.items():
            setattr(enterprise, name, value)
        enterprise.version += 1
        enterprise.save(update_fields=[*clean, "version", "updated_at"])
        record_enterprise(
            actor=actor,
            enterprise=enterprise,
            action="enterprises.enterprise_update",
            changes=diff(
                {k: getattr(v, "pk", v) for k, v in before.items()},
                {k: getattr(v, "pk", v) for k, v in clean.items()},
            ),
        )
    return enterprise


def commissioner_assign(*, actor, enterprise, user, start_on=None) -> Commissioner:
    """指派服务专员: the user must hold the commissioner role; one open assignment per user."""
    if not permissions.keeps_town(actor, enterprise.town):
        raise Forbidden(_("只有督查室或企业所在镇街的负责人、联络员可以指派服务专员"))
    if user is None or not user.is_active:
        raise ValidationFailed.on("user", _("请选择在用的账号"))
    if not scope_of(user).has(Role.COMMISSIONER):
        raise ValidationFailed.on(
            "user", _("%(name)s没有“企业服务专员”角色") % {"name": user.display_name}
        )
    start_on = start_on or timezone.localdate()
    with transaction.atomic():
        if enterprise.commissioners.filter(user=user, end_on__isnull=True).exists():
            raise Conflict(_("%(name)s已是该企业的服务专员") % {"name": user.display_name})
        row = Commissioner.objects.create(
            enterprise=enterprise, user=user, start_on=start_on, assigned_by=actor
        )
        record_enterprise(
            actor=actor,
            enterprise=enterprise,
            action="enterprises.commissioner_assign",
            changes={"commissioner": {"before": None, "after": user.username}},
        )
    return row


def commissioner_end(*, actor, assignment, end_on=None) -> Commissioner:
    enterprise = assignment.enterprise
    if not permissions.keeps_town(actor, enterprise.town):
        raise Forbidden(_("只有督查室或企业所在镇街的负责人、联络员可以调整服务专员"))
    if assignment.end_on is not None:
        raise Conflict(_("该指派已结束"))
    end_on = end_on or timezone.localdate()
    if end_on < assignment.start_on:
        raise ValidationFailed.on("end_on", _("结束日期不能早于开始日期"))
    with transaction.atomic():
        assignment.end_on = end_on
        assignment.save(update_fields=["end_on"])
        record_enterprise(
            actor=actor,
            enterprise=enterprise,
            action="enterprises.commissioner_end",
            changes={"commissioner": {"before": assignment.user.username, "after": None}},
        )
    return assignment


def visit_record(
    *, actor, enterprise, visited_on: dt.date, notes, participants="", findings=""
) -> EnterpriseVisit:
    """记录走访: the enterprise's commissioner (or the office)."""
    if not (permissions.serves(actor, enterprise) or permissions.is_office(actor)):
        raise Forbidden(_("只有该企业的服务专员可以记录走访"))
    if visited_on is None:
        raise ValidationFailed.on("visited_on", _("请填写走访日期"))
    if visited_on > timezone.localdate():
        raise ValidationFailed.on("visited_on", _("走访日期不能晚于今天"))
    notes = text(notes, "notes", _("走访情况"), limit=5000)
    with transaction.atomic():
        visit = EnterpriseVisit.objects.create(
            enterprise=enterprise,
            visited_on=visited_on,
            commissioner=actor,
            participants=text(
                participants, "participants", _("参加人员"), required=False, limit=200
            ),
            notes=notes,
            findings=text(findings, "findings", _("发现的问题"), required=False, limit=5000),
        )
        record_enterprise(
            actor=actor,
            enterprise=enterprise,
            action="enterprises.visit_record",
            changes={"visited_on": {"before": None, "after": visited_on.isoformat()}},
        )
    return visit
