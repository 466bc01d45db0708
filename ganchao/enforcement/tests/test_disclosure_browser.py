"""Disclosure in a real browser: the officer's task list and the case's disclosure panel, then
the anonymous public pages (index, matter flowchart, decisions, a decision, a withdrawal
notice, statistics) — the party masked on every one. Screenshots to
test-artifacts/disclosure-walk/."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from ganchao.conftest import log_in_page
from ganchao.enforcement.models import AnnualReport
from ganchao.enforcement.tests.test_disclosure import ID_NO, NAME, PHONE, decided, publish
from ganchao.portal.tests.test_enforcement import withdraw

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_disclosure_walk(ecity, page, artifacts_dir):
    cache.clear()
    SHOTS = artifacts_dir / "disclosure-walk"
    SHOTS.mkdir(parents=True, exist_ok=True)
    _c, _d, late = decided(
        ecity, decided_on=dt.date(2025, 9, 25), number="赶城管罚决字〔2025〕88号"
    )
    case, _d, task = decided(ecity, social_impact=False)
    shown, _d, shown_task = decided(
        ecity,
        party_kind="organisation",
        party_name="赶超市宏达建筑有限公司",
        number="赶城管罚决字〔2026〕20号",
        title="占用城市道路堆放建筑材料",
    )
    publish(ecity, shown_task)
    gone, _d, gone_task = decided(
        ecity, number="赶城管罚决字〔2026〕30号", title="夜间施工噪声扰民"
    )
    gone_item = publish(ecity, gone_task)
    withdraw(ecity, gone, "该决定已被赶超市人民政府行政复议撤销（赶政复决字〔2026〕3号）")
    AnnualReport.objects.create(
        agency=ecity.agency,
        year=2025,
        figures={"cases_filed": 12, "penalties": 10, "fines_total": "52000.00"},
        note="2025年度共办理行政执法案件12件。",
        published_at=timezone.now(),
        published_by=ecity.head,
    )

    log_in_page(page, "officer_a")
    page.wait_for_url("**/")
    page.goto(reverse("enforcement:publication_tasks"))
    assert "已超期" in page.content()
    page.screenshot(path=SHOTS / "01-tasks.png", full_page=True)
    page.goto(reverse("enforcement:case_detail", args=[case.pk]) + "#panel-disclosure")
    page.locator("#panel-disclosure").screenshot(path=SHOTS / "02-case-panel.png")
    page.goto(reverse("enforcement:case_disclosure", args=[case.pk]))
    page.get_by_text("申请不予公开", exact=True).click()
    page.get_by_role("button", name="提交不予公开申请").click()
    page.wait_for_load_state()
    page.screenshot(path=SHOTS / "03-exemption-refused.png", full_page=True)
    page.get_by_role("button", name="公开决定信息").click()
    page.wait_for_load_state()
    page.screenshot(path=SHOTS / "04-published.png", full_page=True)
    page.context.clear_cookies()

    public = [
        ("10-index", reverse("portal:enforcement_index")),
        ("11-matter", reverse("portal:enforcement_matter", args=[ecity.building.pk])),
        ("12-decisions", reverse("portal:enforcement_decisions")),
        ("13-decision", reverse("portal:enforcement_decision", args=[case.public_record.pk])),
        ("14-withdrawn", reverse("portal:enforcement_decision", args=[gone_item.pk])),
        ("15-withdrawals", reverse("portal:enforcement_withdrawals")),
        ("16-agencies", reverse("portal:enforcement_agencies")),
        ("17-statistics", reverse("portal:enforcement_statistics")),
    ]
    for name, url in public:
        page.goto(url)
        text = page.content()
        for secret in (NAME, ID_NO, PHONE):
            assert secret not in text, (name, secret)
        page.screenshot(path=SHOTS / f"{name}.png", full_page=True)
    assert late.state == "open"
