"""Enforcement services: oversight slice. Complaints (投诉举报) and inspections by place, which
feed 监管缺位; the annual statistics (B13) published once per agency and year. The clocks'
escalation (B11) is the tick's scan in ganchao/enforcement/escalation.py."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.audit.registry import register, register_object_type
from ganchao.audit.services import Target, audit_record
from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.enforcement import permissions
from ganchao.enforcement.choices import ComplaintState
from ganchao.enforcement.models import AnnualReport, Case, Complaint, Inspection
from ganchao.enforcement.services.base import place_key
from ganchao.enforcement.services.disclosure import public_cache_bump

register_object_type("enforcementcomplaint", _("投诉举报"))
register_object_type("enforcementinspection", _("执法检查"))
register_object_type("enforcementannualreport", _("年度执法数据"))
register("enforcement.complaint_create", _("登记投诉举报"))
register("enforcement.complaint_close", _("办结投诉举报"))
register("enforcement.inspection_create", _("登记执法检查"))
register("enforcement.annual_report_publish", _("公开年度执法数据"))
register("enforcement.clock_escalate", _("执法时限超期催办、督办"))


def _require_staff(actor, agency) -> None:
    """The agency's own handlers, or the office (督查室) which receives complaints too."""
    if not (permissions.is_office(actor) or permissions.opens_cases(actor, agency)):
        raise Forbidden(_("只有本执法主体的执法人员或督查室可以登记"))


def _text(value, field: str, label: str, max_length: int | None = None) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed.on(field, _("请填写%(label)s") % {"label": label})
    if max_length and len(text) > max_length:
        raise ValidationFailed.on(
            field, _("%(label)s不能超过%(n)d个字") % {"label": label, "n": max_length}
        )
    return text


def _past_date(value, field: str, label: str) -> dt.date:
    if not isinstance(value, dt.date):
        raise ValidationFailed.on(field, _("请填写%(label)s") % {"label": label})
    if value > timezone.localdate():
        raise ValidationFailed.on(field, _("%(label)s不能晚于今天") % {"label": label})
    return value


def _place(place) -> tuple[str, str]:
    text = _text(place, "place", _("地点"), 200)
    key = place_key(text)
    if not key:
        raise ValidationFailed.on("place", _("地点须写明具体位置"))
    return text, key


def complaint_create(
    *, actor, agency, place: str, received_on: dt.date, channel: str = "", summary: str
) -> Complaint:
    """Register a complaint or report about a place (the complainant is not kept)."""
    _require_staff(actor, agency)
    place, key = _place(place)
    received_on = _past_date(received_on, "received_on", _("收到日期"))
    summary = _text(summary, "summary", _("反映问题"))
    channel = (channel or "").strip()
    if len(channel) > 50:
        raise ValidationFailed.on("channel", _("渠道不能超过50个字"))
    with transaction.atomic():
        row = Complaint.objects.create(
            agency=agency,
            place=place,
            place_key=key,
            received_on=received_on,
            channel=channel,
            summary=summary,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="enforcement.complaint_create",
            target=Target("enforcementcomplaint", str(row.pk), str(row)[:300]),
            changes={"place": {"before": None, "after": place}},
        )
    return row


def complaint_close(*, actor, complaint: Complaint) -> Complaint:
    """Mark a complaint as dealt with (办结)."""
    _require_staff(actor, complaint.agency)
    with transaction.atomic():
        row = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if row.state == ComplaintState.CLOSED:
            raise Conflict(_("该投诉举报已办结"))
        before = row.state
        row.state = ComplaintState.CLOSED
        row.save(update_fields=["state"])
        audit_record(
            actor=actor,
            action="enforcement.complaint_close",
            target=Target("enforcementcomplaint", str(row.pk), str(row)[:300]),
            changes={"state": {"before": before, "after": row.state}},
        )
    return row


def inspection_create(
    *,
    actor,
    agency,
    matter=None,
    place: str,
    inspected_on: dt.date,
    random: bool = False,
    result: str,
    case: Case | None = None,
) -> Inspection:
    """Register an inspection of a place (日常检查 or 双随机抽查); the open complaints of the
    agency about that place received by then become 已核查."""
    _require_staff(actor, agency)
    if matter is not None and matter.agency_id != agency.pk:
        raise ValidationFailed.on("matter", _("所选执法事项不属于本执法主体"))
    if case is not None and case.agency_id != agency.pk:
        raise ValidationFailed.on("case", _("所选案件不属于本执法主体"))
    place, key = _place(place)
    inspected_on = _past_date(inspected_on, "inspected_on", _("检查日期"))
    result = _text(result, "result", _("检查结果"))
    with transaction.atomic():
        row = Inspection.objects.create(
            agency=agency,
            matter=matter,
            place=place,
            place_key=key,
            inspected_on=inspected_on,
            random=bool(random),
            result=result,
            case=case,
            created_by=actor,
        )
        checked = Complaint.objects.filter(
            agency=agency, place_key=key, state=ComplaintState.OPEN, received_on__lte=inspected_on
        ).update(state=ComplaintState.INSPECTED)
        audit_record(
            actor=actor,
            action="enforcement.inspection_create",
            target=Target("enforcementinspection", str(row.pk), str(row)[:300]),
            changes={
                "place": {"before": None, "after": place},
                "complaints_inspected": {"before": None, "after": checked},
            },
        )
    return row


def annual_report_publish(*, actor, agency, year: int, note: str = "") -> AnnualReport:
    """B13: publish the agency's figures of a finished year (computed now from case data);
    once per agency and year."""
    from ganchao.enforcement.selectors_oversight import annual_figures

    if not permissions.manages_agency(actor, agency):
        raise Forbidden(_("只有执法主体负责人、联络员或督查室可以公开年度执法数据"))
    if not isinstance(year, int) or year < 2000:
        raise ValidationFailed.on("year", _("请填写统计年度"))
    if year >= timezone.localdate().year:
        raise ValidationFailed.on("year", _("只能公开已结束年度的执法数据"))
    if AnnualReport.objects.filter(agency=agency, year=year).exists():
        raise Conflict(_("%(year)d年度执法数据已经公开") % {"year": year})
    try:
        with transaction.atomic():
            row = AnnualReport.objects.create(
                agency=agency,
                year=year,
                figures=annual_figures(agency, year),
                note=(note or "").strip(),
                published_at=timezone.now(),
                published_by=actor,
            )
            audit_record(
                actor=actor,
                action="enforcement.annual_report_publish",
                target=Target("enforcementannualreport", str(row.pk), f"{agency.name} {year}"),
                changes={"year": {"before": None, "after": year}},
            )
            public_cache_bump()
    except IntegrityError as exc:
        raise Conflict(_("%(year)d年度执法数据已经公开") % {"year": year}) from exc
    return row
