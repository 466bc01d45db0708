"""The archive completeness checklist (Art. 33, A14c) as a pure function over plain inputs."""

from ganchao.decisions.gates import Facts
from ganchao.decisions.selectors_after import ChecklistInputs
from ganchao.decisions.services.after import archive_checklist


def complete(**overrides) -> ChecklistInputs:
    values = {
        "consultations": [("征求意见", True)],
        "opinion_count": 2,
        "adoption_report": "采纳情况说明（2026-03-01）",
        "review": ("市司法局 2026-03-05", "concluded", "lawful"),
        "adviser_opinions": ["陈律师 2026-03-04"],
        "meetings": [("第12次常务会议", "signed_off")],
        "party_report": "赶超府〔2026〕12号",
        "publication": "公报2026年第3期",
    }
    values.update(overrides)
    return ChecklistInputs(**values)


def names(items, done=None):
    return [i["name"] for i in items if done is None or i["done"] == done]


def test_a_complete_ordinary_decision_has_every_item_done():
    """Given consultation, review, adviser, signed meeting record, party report and
    publication, Then each is an item and all are done; no expert, risk or fair items."""
    items = archive_checklist(complete())
    assert all(i["done"] for i in items)
    assert names(items) == [
        "公开征求意见公告",
        "公众意见逐条处理",
        "意见采纳情况说明",
        "合法性审查意见书",
        "法律顾问、公职律师意见",
        "集体讨论会议记录（已签发）",
        "向同级党委请示报告",
        "决策公布",
    ]
    assert all(set(i) == {"name", "done", "reference"} for i in items)


def test_exemption_replaces_the_consultation_items():
    items = archive_checklist(
        complete(
            exempt_basis="《保守国家秘密法》", consultations=[], opinion_count=0, adoption_report=""
        )
    )
    assert names(items)[0] == "公众参与：依法不予公开的法律依据"
    assert items[0]["done"] and items[0]["reference"] == "《保守国家秘密法》"


def test_unhandled_opinions_and_missing_report_are_named():
    items = archive_checklist(complete(unhandled_opinions=[3, 7], adoption_report=""))
    missing = [i for i in items if not i["done"]]
    assert names(missing) == ["公众意见逐条处理", "意见采纳情况说明"]
    assert "第3、7条" in missing[0]["reference"]


def test_hearing_needs_a_signed_record_or_refusal_per_participant():
    items = archive_checklist(complete(hearings=[("价格听证会", True, ["李四"])]))
    hearing = next(i for i in items if "听证会" in i["name"])
    assert not hearing["done"] and "李四" in hearing["reference"]
    items = archive_checklist(complete(hearings=[("价格听证会", True, [])]))
    assert next(i for i in items if "听证会" in i["name"])["done"]


def test_experts_need_signed_and_sealed_opinions():
    inputs = complete(technical=True, expert_opinions=[("张教授", True, False)])
    item = next(i for i in archive_checklist(inputs) if i["name"].startswith("专家论证"))
    assert not item["done"] and "张教授" in item["reference"]
    inputs = complete(technical=True, expert_opinions=[("张教授", True, True)])
    assert next(i for i in archive_checklist(inputs) if i["name"].startswith("专家论证"))["done"]
    inputs = complete(technical=True)
    assert not next(i for i in archive_checklist(inputs) if i["name"].startswith("专家论证"))[
        "done"
    ]


def test_risk_assessment_required_by_the_flag():
    facts = Facts(state="published", category="policy", stability_risk=True)
    item = next(
        i
        for i in archive_checklist(complete(stability_risk=True, risk_facts=facts))
        if i["name"] == "社会稳定风险评估报告"
    )
    assert not item["done"]
    facts.risk_assessments = [(1, "controllable", True)]
    item = next(
        i
        for i in archive_checklist(
            complete(stability_risk=True, risk_facts=facts, risk_reference="X 2026-01-01")
        )
        if i["name"] == "社会稳定风险评估报告"
    )
    assert item["done"]


def test_fair_review_must_pass():
    failing = complete(market_activity=True, fair_reviews=[("市市场监管局", "fails")])
    assert not next(i for i in archive_checklist(failing) if i["name"] == "公平竞争审查")["done"]
    passing = complete(market_activity=True, fair_reviews=[("市市场监管局", "passes")])
    assert next(i for i in archive_checklist(passing) if i["name"] == "公平竞争审查")["done"]


def test_unlawful_review_and_unsigned_meeting_are_missing():
    items = archive_checklist(
        complete(
            review=("市司法局", "concluded", "unlawful"),
            meetings=[("会", "held")],
            party_report="",
            publication="",
        )
    )
    assert names(items, done=False) == [
        "合法性审查意见书",
        "集体讨论会议记录（已签发）",
        "向同级党委请示报告",
        "决策公布",
    ]
