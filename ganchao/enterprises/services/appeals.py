"""Appeals (诉求): receipt with its three deadlines, the steps along choices.TRANSITIONS, each
with its timeline event and audit event in one transaction; the one-time satisfaction link; the
hand-over of an unresolved appeal to the problem ledger."""

import datetime as dt
import hashlib
import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.audit.services import Target, audit_record, diff
from ganchao.common import workdays
from ganchao.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from ganchao.enterprises import clocks, permissions
from ganchao.enterprises.choices import (
    TRANSITIONS,
    AppealCategory,
    AppealState,
    Channel,
    EventKind,
)
from ganchao.enterprises.models import (
    Appeal,
    AppealEvent,
    EnterpriseSettings,
    RatingLink,
)
from ganchao.enterprises.services.base import choice, record_appeal, text

MAX_NUMBER_RETRIES = 5


def _next_seq(year: int) -> int:
    last = Appeal.objects.filter(year=year).order_by("-seq").values_list("seq", flat=True).first()
    return (last or 0) + 1


def appeal_receive(
    *,
    actor,
    enterprise,
    title,
    content,
    category,
    channel,
    owner_unit,
    received_at: dt.datetime | None = None,
    handler=None,
) -> Appeal:
    """受理诉求: numbered SQ{year}{seq:05d}; its deadlines are fixed now from the settings."""
    if not permissions.registers_appeals(actor, enterprise):
        raise Forbidden(_("只有该企业的服务专员、所在镇街或督查室可以受理诉求"))
    if not enterprise.active:
        raise Conflict(_("企业“%(name)s”已不在册") % {"name": enterprise.name})
    title = text(title, "title", _("诉求事项"), limit=200)
    content = text(content, "content", _("诉求内容"), limit=5000)
    choice(category, "category", _("诉求类别"), AppealCategory)
    choice(channel, "channel", _("受理渠道"), Channel)
    if owner_unit is None:
        raise ValidationFailed.on("owner_unit", _("请选择承办单位"))
    now = timezone.now()
    received_at = received_at or now
    if received_at > now:
        raise ValidationFailed.on("received_at", _("受理时间不能晚于现在"))
    row = EnterpriseSettings.load()
    due = clocks.deadlines_for(
        received_at,
        hours=row.acknowledge_hours,
        plan_days=row.plan_days,
        resolve_days=row.resolve_days,
    )
    year = timezone.localtime(received_at).year
    commissioner = actor if permissions.serves(actor, enterprise) else _serving_now(enterprise)
    for attempt in range(MAX_NUMBER_RETRIES):
        try:
            with transaction.atomic():
                seq = _next_seq(year)
                appeal = Appeal.objects.create(
                    number=f"SQ{year}{seq:05d}",
                    year=year,
                    seq=seq,
                    enterprise=enterprise,
                    title=title,
                    content=content,
                    category=category,
                    channel=channel,
                    received_at=received_at,
                    owner_unit=owner_unit,
                    handler=handler,
                    commissioner=commissioner,
                    acknowledge_due=due.acknowledge,
                    plan_due=due.plan,
                    resolve_due=due.resolve,
                    calendar_provisional=due.provisional,
                )
                _event(appeal, EventKind.RECEIVED, actor, "", AppealState.RECEIVED, at=received_at)
                record_appeal(
                    actor=actor,
                    appeal=appeal,
                    action="enterprises.appeal_receive",
                    changes={"state": {"before": None, "after": AppealState.RECEIVED}},
                )
            return appeal
        except IntegrityError:
            if attempt == MAX_NUMBER_RETRIES - 1:
                raise
    raise AssertionError("unreachable")


def _serving_now(enterprise):
    """The commissioner longest in post, whom the appeal's scorecard counts."""
    today = timezone.localdate()
    row = (
        enterprise.commissioners.filter(start_on__lte=today)
        .exclude(end_on__lte=today)
        .select_related("user")
        .order_by("start_on", "pk")
        .first()
    )
    return row.user if row else None


def _event(appeal, kind, actor, note, to_state, *, from_state="", at=None):
    return AppealEvent.objects.create(
        appeal=appeal,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        at=at or timezone.now(),
        note=note,
        from_state=from_state,
        to_state=to_state,
    )


def _lock(appeal) -> Appeal:
    return (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("enterprise", "owner_unit")
        .get(pk=appeal.pk)
    )


def _move(*, actor, appeal, to, kind, action, note="", fields=None) -> Appeal:
    """One step along TRANSITIONS, with its timeline event and audit event."""
    appeal = _lock(appeal)
    if to not in TRANSITIONS[appeal.state]:
        raise Conflict(
            _("诉求当前“%(state)s”，不能%(step)s")
            % {"state": AppealState(appeal.state).label, "step": EventKind(kind).label}
        )
    before = appeal.state
    appeal.state = to
    appeal.version += 1
    for name, value in (fields or {}).items():
        setattr(appeal, name, value)
    appeal.save(update_fields=["state", "version", "updated_at", *(fields or {})])
    _event(appeal, kind, actor, note, to, from_state=before)
    record_appeal(
        actor=actor,
        appeal=appeal,
        action=action,
        changes={"state": {"before": before, "after": to}},
        reason=note,
    )
    return appeal


def _require_handles(actor, appeal):
    if not permissions.handles(actor, appeal):
        raise Forbidden(_("只有承办单位的负责人、联络员或承办人可以办理该诉求"))


def appeal_acknowledge(*, actor, appeal, note="", handler=None) -> Appeal:
    """响应: the owner unit takes the appeal (and may name its handler)."""
    _require_handles(actor, appeal)
    note = text(note, "note", _("响应说明"), required=False, limit=2000)
    fields = {"acknowledged_at": timezone.now()}
    if handler is not None:
        fields["handler"] = handler
    with transaction.atomic():
        return _move(
            actor=actor,
            appeal=appeal,
            to=AppealState.ACKNOWLEDGED,
            kind=EventKind.ACKNOWLEDGED,
            action="enterprises.appeal_acknowledge",
            note=note,
            fields=fields,
        )


def appeal_plan(*, actor, appeal, plan) -> Appeal:
    """制定方案: the plan of how and by when it will be solved."""
    _require_handles(actor, appeal)
    plan = text(plan, "plan", _("办理方案"), limit=5000)
    with transaction.atomic():
        return _move(
            actor=actor,
            appeal=appeal,
            to=AppealState.PLANNED,
            kind=EventKind.PLANNED,
            action="enterprises.appeal_plan",
            note=plan,
            fields={"plan": plan, "planned_at": timezone.now()},
        )


def appeal_resolve(*, actor, appeal, resolution, resolved=True) -> Appeal:
    """办理结果: resolved (已解决) or, with the reason, cannot be resolved (未能解决)."""
    _require_handles(actor, appeal)
    resolution = text(resolution, "resolution", _("办理结果"), limit=5000)
    to = AppealState.RESOLVED if resolved else AppealState.UNRESOLVED
    kind = EventKind.RESOLVED if resolved else EventKind.UNRESOLVED
    fields = {"resolution": resolution}
    if resolved:
        fields["resolved_at"] = timezone.now()
        hours = workdays.working_hours_between(appeal.received_at, fields["resolved_at"])
        fields["resolve_hours"] = hours.quantize(Decimal("0.01"))
    with transaction.atomic():
        return _move(
            actor=actor,
            appeal=appeal,
            to=to,
            kind=kind,
            action="enterprises.appeal_resolve",
            note=resolution,
            fields=fields,
        )


def appeal_close(*, actor, appeal, note="") -> Appeal:
    """办结: after the result is reported; the enterprise can then be asked for its rating."""
    if not permissions.closes(actor, appeal):
        raise Forbidden(_("只有该企业的服务专员或承办单位可以办结诉求"))
    note = text(note, "note", _("办结说明"), required=False, limit=2000)
    with transaction.atomic():
        return _move(
            actor=actor,
            appeal=appeal,
            to=AppealState.CLOSED,
            kind=EventKind.CLOSED,
            action="enterprises.appeal_close",
            note=note,
            fields={"closed_at": timezone.now()},
        )


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def rating_link_issue(*, actor, appeal) -> tuple[RatingLink, str]:
    """A one-time rating link for a closed, unrated appeal. Returns the link row and the token,
    which is shown once and never stored (only its SHA-256 is)."""
    if not permissions.closes(actor, appeal):
        raise Forbidden(_("只有该企业的服务专员或承办单位可以发送评价链接"))
    with transaction.atomic():
        appeal = _lock(appeal)
        if appeal.state != AppealState.CLOSED:
            raise Conflict(_("诉求办结后才能请企业评价"))
        if appeal.rating is not None:
            raise Conflict(_("企业已评价过该诉求"))
        token = secrets.token_urlsafe(32)
        days = EnterpriseSettings.load().rating_link_days
        link = RatingLink.objects.create(
            appeal=appeal,
            token_hash=token_hash(token),
            created_by=actor,
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
        _event(appeal, EventKind.RATING_LINK, actor, "", appeal.state, from_state=appeal.state)
        record_appeal(actor=actor, appeal=appeal, action="enterprises.rating_link_issue")
    return link, token


def rating_link_find(token: str) -> RatingLink:
    """The link of a token as the public page reads it; NotFound for an unknown token."""
    link = (
        RatingLink.objects.select_related("appeal", "appeal__enterprise", "appeal__owner_unit")
        .filter(token_hash=token_hash(token or ""))
        .first()
    )
    if link is None:
        raise NotFound(_("评价链接无效"))
    return link


def link_refusal(link: RatingLink, now=None) -> str:
    """Why the link cannot be used now, or "" when it can."""
    now = now or timezone.now()
    if link.used_at is not None or link.appeal.rating is not None:
        return _("该评价链接已使用过，感谢您的评价")
    if link.expires_at <= now:
        return _("该评价链接已过期，请联系服务专员重新发送")
    return ""


def appeal_rate(*, token: str, rating, comment="") -> Appeal:
    """The enterprise's satisfaction (1–5) through its one-time link, without an account."""
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ValidationFailed.on("rating", _("请选择1至5分的满意度"))
    comment = text(comment, "comment", _("评价意见"), required=False, limit=1000)
    with transaction.atomic():
        link = rating_link_find(token)
        link = RatingLink.objects.select_for_update().get(pk=link.pk)
        appeal = _lock(link.appeal)
        link.appeal = appeal
        refusal = link_refusal(link)
        if refusal:
            raise Conflict(refusal)
        now = timezone.now()
        link.used_at = now
        link.save(update_fields=["used_at"])
        appeal.rating, appeal.rating_comment, appeal.rated_at = rating, comment, now
        appeal.version += 1
        appeal.save(update_fields=["rating", "rating_comment", "rated_at", "version", "updated_at"])
        _event(
            appeal,
            EventKind.RATED,
            None,
            _("满意度%(n)d分 %(comment)s") % {"n": rating, "comment": comment},
            appeal.state,
            from_state=appeal.state,
        )
        record_appeal(
            actor=None,
            appeal=appeal,
            action="enterprises.appeal_rate",
            changes={"rating": {"before": None, "after": rating}},
        )
    return appeal


def appeal_to_problem(*, actor, appeal, severity="general", note="", system=False):
    """转入问题台账: the appeal becomes a problem of the ledger (source 企业诉求, place the
    enterprise's workshop), owned by the appeal's owner unit. By hand: the commissioner or the
    office; `system` is the tick's scan for an appeal past its resolve deadline."""
    from ganchao.problems import services as problem_services

    if not system and not (
        permissions.serves(actor, appeal.enterprise) or permissions.is_office(actor)
    ):
        raise Forbidden(_("只有该企业的服务专员或督查室可以将诉求转入问题台账"))
    with transaction.atomic():
        appeal = _lock(appeal)
        if appeal.problem_id is not None:
            raise Conflict(_("该诉求已转入问题台账"))
        description = f"{appeal.number} {appeal.title}：{appeal.content}"
        if note:
            description += f"\n{note}"
        problem = problem_services.problem_create(
            actor=actor,
            source="enterprise",
            place_type="enterprise",
            place=appeal.enterprise.name,
            category="enterprise",
            severity=severity,
            description=description,
            owner_unit=appeal.owner_unit,
        )
        appeal.problem = problem
        appeal.version += 1
        appeal.save(update_fields=["problem", "version", "updated_at"])
        _event(
            appeal,
            EventKind.PROBLEM,
            actor,
            _("问题编号%(number)s") % {"number": problem.number},
            appeal.state,
            from_state=appeal.state,
        )
        record_appeal(
            actor=actor,
            appeal=appeal,
            action="enterprises.appeal_to_problem",
            changes={"problem": {"before": None, "after": problem.number}},
            reason=note,
        )
    return problem


def settings_update(*, actor, version=None, **values) -> EnterpriseSettings:
    """The office edits the clocks; appeals already received keep their deadlines."""
    if not permissions.is_office(actor):
        raise Forbidden(_("只有督查室可以修改企业服务时限"))
    limits = {
        "acknowledge_hours": (_("响应时限"), 1, 40),
        "plan_days": (_("制定方案时限"), 1, 30),
        "resolve_days": (_("解决时限"), 1, 120),
        "rating_link_days": (_("评价链接有效期"), 1, 365),
    }
    clean = {}
    for name, value in values.items():
        if name not in limits:
            raise ValidationFailed.on(name, _("该字段不能修改"))
        label, low, high = limits[name]
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = None
        if number is None or not low <= number <= high:
            raise ValidationFailed.on(
                name,
                _("%(label)s应为%(low)d至%(high)d") % {"label": label, "low": low, "high": high},
            )
        clean[name] = number
    with transaction.atomic():
        row = EnterpriseSettings.load()
        row = EnterpriseSettings.objects.select_for_update().get(pk=row.pk)
        if version is not None and int(version) != row.version:
            raise Conflict(_("设置已被他人修改，请刷新后重试"))
        before = {name: getattr(row, name) for name in clean}
        for name, value in clean.items():
            setattr(row, name, value)
        row.version += 1
        row.save()
        audit_record(
            actor=actor,
            action="enterprises.settings_update",
            target=Target("enterprisesettings", "1", str(_("企业服务设置"))),
            changes=diff(before, clean),
        )
    return row
