"""Shared by the 服务企业 services: validation helpers, audit targets and codes."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganchao.audit.registry import register, register_object_type
from ganchao.audit.services import Target, audit_record
from ganchao.common.errors import Conflict, ValidationFailed

register_object_type("enterprise", gettext_lazy("企业"))
register_object_type("enterpriseappeal", gettext_lazy("企业诉求"))
register("enterprises.enterprise_create", gettext_lazy("登记企业"))
register("enterprises.enterprise_update", gettext_lazy("修改企业信息"))
register("enterprises.commissioner_assign", gettext_lazy("指派服务专员"))
register("enterprises.commissioner_end", gettext_lazy("结束服务专员指派"))
register("enterprises.visit_record", gettext_lazy("记录走访企业"))
register("enterprises.appeal_receive", gettext_lazy("受理企业诉求"))
register("enterprises.appeal_acknowledge", gettext_lazy("响应企业诉求"))
register("enterprises.appeal_plan", gettext_lazy("制定诉求办理方案"))
register("enterprises.appeal_resolve", gettext_lazy("办理企业诉求"))
register("enterprises.appeal_close", gettext_lazy("办结企业诉求"))
register("enterprises.rating_link_issue", gettext_lazy("生成企业评价链接"))
register("enterprises.appeal_rate", gettext_lazy("企业评价诉求办理"))
register("enterprises.appeal_to_problem", gettext_lazy("企业诉求转入问题台账"))
register("enterprises.settings_update", gettext_lazy("修改企业服务时限设置"))


def text(value, name: str, label: str, *, required=True, limit=None) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed.on(name, _("请填写%(label)s") % {"label": label})
    if limit and len(value) > limit:
        raise ValidationFailed.on(
            name, _("%(label)s不能超过%(n)d个字") % {"label": label, "n": limit}
        )
    return value


def choice(value, name: str, label: str, choices) -> str:
    if value not in choices.values:
        raise ValidationFailed.on(name, _("%(label)s无效") % {"label": label})
    return value


def check_version(obj, version) -> None:
    if version is not None and int(version) != obj.version:
        raise Conflict(_("该记录已被他人修改，请刷新后重试"))


def enterprise_target(enterprise) -> Target:
    return Target("enterprise", str(enterprise.pk), enterprise.name[:300])


def appeal_target(appeal) -> Target:
    return Target("enterpriseappeal", str(appeal.pk), f"{appeal.number} {appeal.title}"[:300])


def record_enterprise(*, actor, enterprise, action, changes=None, reason=""):
    return audit_record(
        actor=actor,
        action=action,
        target=enterprise_target(enterprise),
        changes=changes or {},
        reason=reason,
    )


def record_appeal(*, actor, appeal, action, changes=None, reason=""):
    return audit_record(
        actor=actor,
        action=action,
        target=appeal_target(appeal),
        changes=changes or {},
        reason=reason,
    )
