"""Issue 11 acceptance, in a real browser: one major case walked through the pages alone from 立案
to 结案 — officer 张执法 files it with two officers against 张三 (a 15000-yuan fine on a person,
so a 重大执法决定), starts the investigation, records a site inspection on the records page,
proposes the fine, ends the investigation, serves the notice and records the party's waiver.
The head's 作出决定 is then shown disabled on the case page with 【B9】; the officer submits the
legal review, the head assigns 孙审核, who passes all seven items; the collective discussion is
recorded, the head decides, the officer fills the decision document (with 社会影响) and issues it
(the seal stand-in shown), records the delivery and execution, publishes the decision and closes
the case; the anonymous public page shows 张某 and never the name, ID number or phone. Full-page
screenshots of every main step go to test-artifacts/enforcement-walk/NN-<step>.png.

The ORM is used only to find the new case's and review's ids; the clock is set to fixed days so
the working-day dates on the pages are stable."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from ganchao.conftest import log_in_page
from ganchao.enforcement.models import Case, LegalReview

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SH = ZoneInfo("Asia/Shanghai")
RAW_CODES = re.compile(
    r"\b(filed|investigating|reviewed|notified|statement|legal_review|collective|decided|served"
    r"|executing|closed|submitted|assigned|passed|returned|pass|problem|penalty|fine|direct"
    r"|waived|site_inspection|person|open|done|None|True|False)\b"
)
PARTY_ID = "370102198001011234"
PARTY_PHONE = "13800138000"


def at(day: str, hour: int = 9):
    return time_machine.travel(
        dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=SH), tick=True
    )


class Walk:
    """One page, signed in as one person at a time, numbering its screenshots."""

    def __init__(self, page, artifacts_dir):
        self.page = page
        self.dir = artifacts_dir / "enforcement-walk"
        self.dir.mkdir(parents=True, exist_ok=True)
        for old in self.dir.glob("*.png"):
            old.unlink()
        self.n = 0

    def as_user(self, username):
        page = self.page
        page.context.clear_cookies()
        log_in_page(page, username)
        page.wait_for_url("**/")

    def shot(self, step):
        """A full-page screenshot; the page shows no raw codes of states or choices."""
        raw = RAW_CODES.findall(self.page.inner_text("body"))
        assert not raw, (step, raw)
        self.n += 1
        self.page.screenshot(path=str(self.dir / f"{self.n:02d}-{step}.png"), full_page=True)

    def success(self, text):
        """The page confirms the action with a visible message."""
        expect(self.page.get_by_text(text).first).to_be_visible()

    def stage(self, label):
        expect(self.page.locator("#case-stage")).to_have_text(label)


def test_major_case_from_filing_to_closing_through_legal_review(page, ecity, artifacts_dir):
    w = Walk(page, artifacts_dir)
    with at("2026-03-02"):
        # 立案: officer 张执法 with 李执法, against 张三
        w.as_user("officer_a")
        page.goto("/enforcement/cases/new/")
        page.get_by_label("执法事项").select_option(label="CG-001 违法建设行为的处罚（第1版）")
        page.get_by_label("张执法（赶超市城市管理综合行政执法局", exact=False).check()
        page.get_by_label("李执法（赶超市城市管理综合行政执法局", exact=False).check()
        page.get_by_label("案由").fill("未取得建设工程规划许可证搭建彩钢房")
        page.get_by_label("违法类型").select_option(label="私搭乱建")
        expect(page.get_by_label("立案日期")).to_have_value("2026-03-02")
        page.get_by_label("违法地点").fill("西湖镇李庄村18号院内")
        page.get_by_label("涉嫌违法事实").fill(
            "当事人未取得建设工程规划许可证，在院内搭建彩钢房约40平方米。"
        )
        page.get_by_label("当事人姓名或名称").fill("张三")
        page.get_by_label("身份证件号码或统一社会信用代码").fill(PARTY_ID)
        page.get_by_label("联系电话").fill(PARTY_PHONE)
        page.get_by_label("住所或地址").fill("赶超市西湖镇李庄村18号")
        w.shot("file-form")
        page.get_by_role("button", name="立案", exact=True).click()
        page.wait_for_url(re.compile(r".*/enforcement/cases/\d+/$"))
        case = Case.objects.get()
        w.success(f"已立案，案件编号 {case.code}。")
        w.stage("立案")
        assert "2026年3月2日" in page.locator("main").inner_text()
        w.shot("case-filed")

        # 开始调查取证
        page.get_by_role("button", name="开始调查取证").click()
        w.success("案件已转入调查取证环节。")
        w.stage("调查取证")

        # a site inspection on the records page: both officers, certificate shown, informed
        page.goto(f"/enforcement/cases/{case.pk}/records/")
        page.locator("#action-form > summary").click()
        form = page.locator("#action-form form")
        form.get_by_label("执法活动").select_option(label="现场检查")
        form.get_by_label("开始时间").fill("2026-03-02T09:00")
        form.get_by_label("结束时间").fill("2026-03-02T10:00")
        form.get_by_label("地点").fill("西湖镇李庄村18号院内")
        form.get_by_label("张执法（ZF3701001）").check()
        form.get_by_label("李执法（ZF3701002）").check()
        form.get_by_label("出示执法证件时间").fill("2026-03-02T09:01")
        form.get_by_label("告知事由、依据和权利义务时间").fill("2026-03-02T09:02")
        form.get_by_label("活动记录").fill("现场检查，制作笔录，拍照取证。")
        w.shot("site-inspection-form")
        form.get_by_role("button", name="保存执法活动").click()
        page.wait_for_load_state()
        action = page.locator("#panel-records [id^=action-]").filter(has_text="现场检查").first
        expect(action).to_contain_text("张执法（ZF3701001）、李执法（ZF3701002）")
        expect(action).to_contain_text("2026年3月2日 09:01")
        action.get_by_role("button", name="完成执法活动").click()
        w.success("执法活动已完成")
        expect(action).to_contain_text("已完成")
        w.shot("site-inspection-recorded")

        # the proposal: a 15000-yuan fine on a person makes the case major
        page.goto(f"/enforcement/cases/{case.pk}/")
        page.locator("#proposal summary").click()
        proposal = page.locator("#proposal form")
        proposal.get_by_label("罚款", exact=True).check()
        proposal.get_by_label("拟罚款金额（元）").fill("15000")
        proposal.get_by_label("拟处理意见（处罚及其事实、理由和依据）").fill(
            "依据《中华人民共和国城乡规划法》第六十四条，拟罚款15000元，限期拆除。"
        )
        proposal.get_by_role("button", name="保存").click()
        w.success("拟处理意见已保存。")
        expect(page.locator("#major-badge")).to_have_text("重大执法决定")
        expect(page.locator("#major-reasons").first).to_contain_text("对自然人罚款达到重大标准")
        w.shot("proposal-major")

        # 调查终结，提交审核
        submit = page.locator('form[data-action="case_submit_review"]')
        submit.locator("summary").click()
        submit.get_by_label("调查终结报告意见（可选）").fill("事实清楚，证据确凿，调查终结。")
        submit.get_by_role("button", name="调查终结，提交审核").click()
        w.success("调查终结，案件已提交审核。")
        w.stage("审核")

        # 告知: the notice (hearing right suggested for a large fine)
        notice = page.locator('form[data-action="notice_serve"]')
        expect(notice.get_by_label("告知日期")).to_have_value("2026-03-02")
        notice.get_by_label("告知听证权利").check()
        w.shot("notice-form")
        notice.get_by_role("button", name="送达告知").click()
        page.wait_for_url(f"**/enforcement/cases/{case.pk}/**")
        w.stage("告知")
        expect(page.locator("#procedure-notice")).to_contain_text("2026年3月2日")

    with at("2026-03-04"):
        # the party waives the statement and the hearing (a new day: signed in again)
        w.as_user("officer_a")
        page.goto(f"/enforcement/cases/{case.pk}/")
        stmt = page.locator('form[data-action="statement_record"]')
        stmt.get_by_label("类型").select_option(label="明确放弃陈述申辩和听证")
        expect(stmt.get_by_label("收到日期")).to_have_value("2026-03-04")
        stmt.get_by_label("内容").fill("当事人书面表示放弃陈述申辩和听证。")
        stmt.get_by_role("button", name="登记").click()
        page.wait_for_url(f"**/enforcement/cases/{case.pk}/**")
        w.stage("陈述申辩/听证")
        expect(page.locator("#statements")).to_contain_text("明确放弃陈述申辩和听证")

        # B9: the head sees 作出决定 disabled before the legal review has passed
        w.as_user("cg_head")
        page.goto(f"/enforcement/cases/{case.pk}/")
        decide = page.locator('form[data-action="decide"]').get_by_role("button", name="作出决定")
        expect(decide).to_be_disabled()
        expect(page.locator("#blockers")).to_contain_text("下一步：提交法制审核")
        expect(page.locator("#decide-blockers")).to_contain_text(
            "【B9】重大执法决定未经法制审核，不得作出决定"
        )
        page.locator("#procedure-decision").scroll_into_view_if_needed()
        w.shot("B9-decide-unavailable")
        page.screenshot(path=str(w.dir / f"{w.n:02d}-B9-decide-unavailable-viewport.png"))

        # the officer submits the legal review
        w.as_user("officer_a")
        page.goto(f"/enforcement/cases/{case.pk}/")
        review_form = page.locator("#submit-review-form")
        review_form.get_by_label("送审材料说明").fill(
            "立案审批表、现场检查笔录、照片、调查终结报告、行政处罚事先告知书、放弃陈述申辩声明。"
        )
        review_form.get_by_role("button", name="提交法制审核").click()
        w.success("已提交法制审核，等待法制审核机构分配审核人员。")
        w.stage("法制审核")
        review = LegalReview.objects.get(case=case)

        # the head assigns 孙审核
        w.as_user("cg_head")
        page.goto(f"/enforcement/reviews/{review.pk}/")
        expect(page.locator("#review-state")).to_have_text("已提交待分配")
        page.get_by_label("审核人员").select_option(label="孙审核（赶超市城市管理综合行政执法局）")
        w.shot("review-assign")
        page.get_by_role("button", name="分配", exact=True).click()
        w.success("已分配审核人员，审核期限已开始计算。")
        expect(page.locator("#review-state")).to_have_text("审核中")

        # 孙审核 passes all seven items
        w.as_user("cg_reviewer")
        page.goto(f"/enforcement/reviews/{review.pk}/")
        items = page.locator("#conclude fieldset.verdict-item")
        expect(items).to_have_count(7)
        for i in range(7):
            items.nth(i).get_by_label("通过").check()
        page.get_by_label("审核意见", exact=True).fill("事实清楚，证据确凿，程序合法，同意处罚。")
        w.shot("review-conclude-form")
        page.get_by_role("button", name="出具审核意见").click()
        w.success("审核意见已出具。")
        expect(page.locator("#review-state")).to_have_text("审核通过")
        expect(page.locator("#review-verdicts tbody tr")).to_have_count(7)
        w.shot("review-passed")

        # the head records the collective discussion, then decides
        w.as_user("cg_head")
        page.goto(f"/enforcement/cases/{case.pk}/")
        collective = page.locator("#collective-form")
        expect(collective.get_by_label("讨论日期")).to_have_value("2026-03-04")
        collective.get_by_label("主持人").fill("王局长")
        collective.get_by_label("参加人员").fill("王局长、刘副局长、法制科陈科长")
        collective.get_by_label("讨论决定").fill("同意对当事人罚款15000元。")
        collective.get_by_role("button", name="登记集体讨论").click()
        w.success("集体讨论已登记。")
        expect(page.locator("#discussions")).to_contain_text("2026年3月4日")
        decide_form = page.locator('form[data-action="decide"]')
        expect(decide_form.get_by_role("button", name="作出决定")).to_be_enabled()
        expect(decide_form.get_by_label("罚款金额（元）")).to_have_value("15000.00")
        decide_form.get_by_label("决定意见").fill("经集体讨论，决定罚款15000元。")
        w.shot("decide-form")
        decide_form.get_by_role("button", name="作出决定").click()
        page.wait_for_url(f"**/enforcement/cases/{case.pk}/**")
        w.stage("决定")
        expect(page.locator("#decision-summary")).to_contain_text("罚款15,000.00元")

        # the officer fills the decision document (社会影响) and issues it
        w.as_user("officer_a")
        page.goto(f"/enforcement/cases/{case.pk}/")
        draft = page.locator("#document-draft-form")
        draft.get_by_label("是", exact=True).check()
        draft.get_by_label("判定理由").fill("违法建设影响市容和公共安全，群众关注。")
        draft.get_by_role("button", name="保存草稿").click()
        w.success("决定书草稿已保存。")
        expect(page.locator("#document-ready")).to_be_visible()
        page.locator("#panel-document").scroll_into_view_if_needed()
        w.shot("document-draft")
        page.locator("#document-issue-form").get_by_role("button", name="签发决定书").click()
        page.wait_for_url(f"**/enforcement/cases/{case.pk}/**")
        expect(page.locator("#document-state")).to_have_text("已签发")
        expect(page.locator("#stand-in-warning")).to_be_visible()
        expect(page.locator("#document-publication")).to_contain_text("已生成公示任务")
        w.shot("document-issued")

    with at("2026-03-05"):
        # delivery (direct) and execution
        w.as_user("officer_a")
        page.goto(f"/enforcement/cases/{case.pk}/")
        delivery = page.locator('form[data-action="delivery_record"]')
        delivery.get_by_label("送达方式").select_option(label="直接送达")
        expect(delivery.get_by_label("送达日期")).to_have_value("2026-03-05")
        expect(delivery.get_by_label("受送达人")).to_have_value("张三")
        delivery.get_by_role("button", name="登记送达").click()
        page.wait_for_url(f"**/enforcement/cases/{case.pk}/**")
        w.stage("送达")
        expect(page.locator("#procedure-delivery")).to_contain_text("2026年3月5日 · 直接送达")
        page.locator("#procedure-execution summary", has_text="登记执行情况").click()
        execution = page.locator('form[data-action="execution_record"]')
        expect(execution.get_by_label("缴纳罚没款（元）")).to_have_value("15000.00")
        execution.get_by_label("执行情况").fill("当事人已缴纳罚款15000元。")
        execution.get_by_role("button", name="登记执行").click()
        page.wait_for_url(f"**/enforcement/cases/{case.pk}/**")
        w.stage("执行")
        w.shot("delivered-executed")

        # the publication task, published from the task list
        page.goto("/enforcement/publication-tasks/")
        row = page.locator("#publication-tasks tr.task-row").filter(has_text=case.code)
        expect(row).to_contain_text("2026年3月13日")  # 7 working days after 4 March (B3)
        w.shot("publication-tasks")
        row.get_by_role("link", name=case.code).click()
        page.locator("#panel-disclosure").get_by_role("button", name="公开决定信息").click()
        page.wait_for_load_state()
        record = page.locator("#disclosure-public-record")
        expect(record).to_contain_text("张某")
        expect(record).not_to_contain_text("张三")
        w.shot("published")
        page.goto(f"/enforcement/cases/{case.pk}/")

        # 结案
        close = page.locator('form[data-action="case_close"]')
        close.locator("summary").click()
        close.get_by_label("结案说明（可选）").fill("罚款已缴纳，决定已公开，执行完毕。")
        close.get_by_role("button", name="结案").click()
        w.success("案件已结案。")
        w.stage("结案")
        assert "结案日期 2026年3月5日" in page.locator("main").inner_text()
        expect(page.locator("#case-actions")).to_contain_text("本案件已结案，没有待办理的环节。")
        w.shot("case-closed")

        # anyone, without logging in, reads the decision on the public portal
        page.context.clear_cookies()
        page.goto("/public/enforcement/decisions/")
        body = page.inner_text("body")
        assert "张某" in body and "彩钢房" in body
        for secret in ("张三", PARTY_ID, PARTY_PHONE):
            assert secret not in page.content(), secret
        w.shot("public-decisions")
