"""Shared steps of the review tests: a case brought to the point where legal review is the next
step (investigated, reviewed, the party told and heard), and a full set of verdicts."""

import datetime as dt

from django.db import transaction

from ganchao.enforcement import services
from ganchao.enforcement.choices import (
    PenaltyKind,
    ReviewItem,
    Stage,
    StatementKind,
    Verdict,
)
from ganchao.enforcement.models import Case, PartyStatement, PenaltyNotice
from ganchao.enforcement.services.base import move

ALL_PASS = {item.value: (Verdict.PASS, "") for item in ReviewItem}


def with_problem(item=ReviewItem.FACTS, note="违法建筑面积未经测量，事实不清"):
    verdicts = dict(ALL_PASS)
    verdicts[item] = (Verdict.PROBLEM, note)
    return verdicts


def heard_case(ecity, *, fine="15000", party_kind="person", statement=StatementKind.STATEMENT):
    """A case of officer A with a proposed fine, the notice served and the party heard: the
    stage is 陈述申辩 and the next step is legal review when the fine is major."""
    case = ecity.open_case(party_kind=party_kind)
    user = ecity.officer_user_a
    services.case_investigate(actor=user, case=case)
    services.record_add(actor=user, case=case, text="现场检查笔录：彩钢房约60平方米")
    services.case_update(
        actor=user,
        case=case,
        proposed_penalties=[PenaltyKind.FINE],
        proposed_fine=fine,
        proposed_summary=f"拟处罚款{fine}元",
    )
    services.case_submit_review(actor=user, case=case, opinion="调查终结，事实清楚")
    case = Case.objects.get(pk=case.pk)
    with transaction.atomic():
        PenaltyNotice.objects.create(
            case=case,
            served_on=dt.date(2026, 3, 10),
            proposal=f"拟处罚款{fine}元",
            facts="未经许可搭建彩钢房，违反《城乡规划法》第四十条",
            rights="陈述、申辩、要求听证",
            hearing_right=True,
            created_by=user,
        )
        move(actor=user, case=case, to=Stage.NOTIFIED, action="enforcement.case_move")
        if statement:
            PartyStatement.objects.create(
                case=case,
                kind=statement,
                received_on=dt.date(2026, 3, 12),
                text="当事人称系临时搭建",
                created_by=user,
            )
            move(actor=user, case=case, to=Stage.STATEMENT, action="enforcement.case_move")
    return Case.objects.get(pk=case.pk)


def submitted(ecity, case, **kwargs):
    with transaction.atomic():
        return services.review_submit(
            actor=ecity.officer_user_a, case=case, materials="案卷全部材料", **kwargs
        )


def assigned(ecity, case, reviewer=None, **kwargs):
    review = submitted(ecity, case, **kwargs)
    return services.review_assign(
        actor=ecity.reviewer_user, review=review, reviewer=reviewer or ecity.reviewer
    )


def concluded(ecity, case, verdicts=None, opinion="", **kwargs):
    review = assigned(ecity, case, **kwargs)
    return services.review_conclude(
        actor=ecity.reviewer_user,
        review=review,
        verdicts=verdicts or ALL_PASS,
        opinion=opinion,
    )
