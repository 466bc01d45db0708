"""Words for a work (or enterprise service) component that had nothing to assess and was filled (DESIGN.md 3.10): the
scorecard, the breakdown sheet and the API say the same sentence."""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganchao.assessment import engine
from ganchao.common import numbers

NOTHING = {
    engine.INDICATORS: gettext_lazy("本期无考核指标"),
    engine.MILESTONES: gettext_lazy("本期无到期节点"),
    engine.ENTERPRISE_SERVICE: gettext_lazy("本期无企业诉求"),
}


def _percent(rate) -> str:
    return f"{numbers.fixed(Decimal(str(rate)) * 100)}%"


def fill_note(component: dict) -> str:
    """ "本期无到期节点，按其他考核项得分率 87.50% 折算为 26.25 分" for a filled component of
    snapshot rows; "" for one that was computed."""
    filled = component.get("filled")
    if not filled:
        return ""
    values = {
        "nothing": str(NOTHING.get(component["kind"], _("本期无考核内容"))),
        "rate": _percent(filled["rate"]),
        "score": numbers.fixed(Decimal(str(filled.get("score", component["score"])))),
    }
    if filled["mode"] == engine.AVERAGE:
        return _("%(nothing)s，按同类单位平均得分率 %(rate)s 折算为 %(score)s 分") % values
    return _("%(nothing)s，按其他考核项得分率 %(rate)s 折算为 %(score)s 分") % values


def fill_basis(component: dict) -> str:
    """Where the rate comes from, in one sentence."""
    filled = component.get("filled")
    if not filled:
        return ""
    if filled["mode"] == engine.AVERAGE:
        return _("得分率为本类别该项有考核内容的 %(n)s 个单位的平均得分率。") % {
            "n": filled.get("units", "")
        }
    return _(
        "得分率 = 本单位其他有考核内容的工作类考核项得分合计 %(s)s ÷ 其分值合计 %(p)s"
        "（工作类考核项指指标完成和节点完成）。"
    ) % {
        "s": numbers.fixed(Decimal(str(filled.get("basis_score", 0)))),
        "p": numbers.fixed(Decimal(str(filled.get("basis_points", 0)))),
    }
