"""The kinds of notification, who typically receives each, and which are sent as digests.

A user may mute kinds (MutedKind): a muted kind still reaches the inbox but is neither e-mailed
nor posted to the group robot, and it does not count in the unread badge."""

from django.utils.translation import gettext_lazy as _

KINDS: dict[str, tuple] = {
    # code: (label, who gets it and when)
    "report_submitted": (_("进展报送待审核"), _("督查室：单位报送或导入进展后")),
    "report_returned": (_("进展报告被退回"), _("报送单位：督查室退回进展报告时")),
    "matter": (_("督办事项交办与办理"), _("承办单位：交办、转办、退办、再批示等")),
    "matter_feedback": (_("督办事项反馈"), _("督查室：承办单位报送阶段反馈或办结反馈时")),
    "extension": (_("延期申请"), _("督查室：承办单位申请延期时")),
    "alert": (_("提醒与催办"), _("本单位，及分管领导（催办）")),
    "notice": (_("督办单"), _("本单位，及分管领导")),
    "bulletin": (_("通报与约谈建议"), _("本单位，及分管领导")),
    "appeal": (_("考核申诉"), _("督查室：单位提出申诉时；申诉单位：办理结果")),
    "assessment": (_("考核结果发布"), _("参加考核的单位")),
}

# Many of these arrive together (a month's reports, an import): the inbox gets one message per
# report, but e-mail and the group robot get one digest per recipient every DIGEST_DELAY.
DIGEST_KINDS = frozenset({"report_submitted"})


def kind_label(code: str) -> str:
    entry = KINDS.get(code)
    return str(entry[0]) if entry else code


def kind_choices() -> list[tuple[str, str, str]]:
    return [(code, str(label), str(audience)) for code, (label, audience) in KINDS.items()]
