"""Issue 10 acceptance, in a real browser: one decision walked through the pages alone from the
propose form to publication — the office proposes, the lead unit drafts, the office launches,
the undertaker records 依法不予公开 and requests the legality review; the office's attempt to
submit it to collective discussion while the review is open is refused on the page naming
【A9】未经合法性审查; the adviser's opinion, the reviewer's 合法 conclusion, the packet, the
常务会议 with each member's position and the head's decision last, sign-off, the party report,
publication, and the anonymous public page. Full-page screenshots of every main step go to
test-artifacts/decisions-walk/NN-<step>.png.

The ORM is used only to find the new decision's and review's ids; the clock is set to fixed
days (as in test_api_script.py) so the A10 review time and the dates on the pages are stable."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from ganchao.conftest import log_in_page
from ganchao.decisions.models import Decision, LegalityReview

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SH = ZoneInfo("Asia/Shanghai")
RAW_CODES = re.compile(
    r"\b(proposed|launched|in_review|ready|decided|party_reported|published|exempt|standing"
    r"|lawful|compliant|agree|adopt|website|None)\b"
)


def at(day: str, hour: int = 9):
    return time_machine.travel(
        dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=SH), tick=True
    )


class Walk:
    """One page, signed in as one person at a time, numbering its screenshots."""

    def __init__(self, page, artifacts_dir):
        self.page = page
        self.dir = artifacts_dir / "decisions-walk"
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

    def pick(self, field, typed, choice):
        """Type into a picker and choose the first matching option with Enter (typing again if
        the list has not filtered, as a person would)."""
        page = self.page
        control = page.locator(f"#id_{field}-ts-control")
        for attempt in range(3):
            control.click()
            control.fill("")
            control.press_sequentially(typed, delay=30)
            try:
                page.wait_for_function(
                    """([field, choice]) => {
                        const o = document.querySelector(`#id_${field}-ts-dropdown .option`);
                        return o !== null && o.textContent.includes(choice);
                    }""",
                    arg=[field, choice],
                    timeout=5000,
                )
                break
            except PlaywrightTimeout:
                page.screenshot(path=f"/tmp/walk-pick-{field}-{attempt}.png")
                control.press("Escape")
        else:
            raise AssertionError(f"the {field} picker never offered {choice}")
        control.press("Enter")
        dropdown = page.locator(f"#id_{field}-ts-dropdown")
        # A multiple choice keeps its list open, and on a loaded machine the answer to an
        # earlier keystroke's search can arrive after the pick and open it again: close it until
        # it stays closed.
        for _ in range(10):
            if not dropdown.is_visible():
                break
            page.keyboard.press("Escape")
            try:
                dropdown.wait_for(state="hidden", timeout=3000)
            except PlaywrightTimeout:
                continue
        dropdown.wait_for(state="hidden")
        control.blur()

    def success(self, text):
        """The page confirms the action with a visible message."""
        self.page.get_by_text(text).first.wait_for()


def decision_units(page):
    return page.eval_on_selector(
        "#id_units", "s => Array.from(s.selectedOptions).map(o => o.textContent.trim())"
    )


def main_text(page):
    return (
        page.locator("main").inner_text()
        if page.locator("main").count()
        else page.inner_text("body")
    )


def test_one_decision_from_launch_to_publication(page, dcity, artifacts_dir):
    w = Walk(page, artifacts_dir)
    with at("2026-04-01"):
        # the office proposes through the form
        w.as_user("office")
        page.goto("/decisions/new/")
        w.pick("catalogue_item", "停车", "城区停车收费标准调整")
        page.get_by_label("年度").fill("2026")
        w.pick("units", "发展和改革", "市发展和改革委员会")
        w.pick("units", "市场监督", "市市场监督管理局")
        w.pick("lead", "发展和改革", "市发展和改革委员会")
        assert decision_units(page) == ["市发展和改革委员会", "市市场监督管理局"]
        page.get_by_label("决策事项概要").fill("调整城区路内停车收费标准，实行分时段、差异化收费。")
        w.shot("propose-form")
        page.get_by_role("button", name="提出决策事项").click()
        page.wait_for_url(re.compile(r".*/decisions/\d+/$"))
        decision = Decision.objects.get()
        assert decision.state == "proposed"
        w.shot("decision-proposed")

        # the lead unit writes draft 1
        w.as_user("drc_liaison")
        page.goto(f"/decisions/{decision.pk}/")
        page.get_by_label("草案文本").fill("一、调整城区路内停车收费标准……\n二、夜间停车免费。")
        page.get_by_label("起草说明").fill("为缓解停车难，提高泊位周转率。")
        page.get_by_role("button", name="保存草案").click()
        page.wait_for_url(f"**/decisions/{decision.pk}/**")
        assert "第1稿" in main_text(page)

        # the office launches
        w.as_user("office")
        page.goto(f"/decisions/{decision.pk}/")
        page.get_by_role("button", name="启动决策").click()
        page.wait_for_url(f"**/decisions/{decision.pk}/**")
        decision.refresh_from_db()
        assert decision.state == "launched"
        w.shot("decision-launched")

        # the undertaker: 依法不予公开 with its legal basis, then the legality review request
        w.as_user("drc_liaison")
        page.goto(f"/decisions/{decision.pk}/")
        page.get_by_text("依法不予公开，不开展公众参与").click()
        page.locator("#exempt-basis").fill(
            "《中华人民共和国政府信息公开条例》第十四条：涉及国家秘密的政府信息不予公开。"
        )
        page.get_by_role("button", name="登记依法不予公开").click()
        page.wait_for_url(f"**/decisions/{decision.pk}/**")
        decision.refresh_from_db()
        assert decision.participation_exempt_basis
        w.shot("participation-exempt")
        page.locator("#panel-review").get_by_role("link", name="提请合法性审查").click()
        page.get_by_label("法律依据", exact=True).fill("《中华人民共和国价格法》第十八条")
        page.get_by_label("履行法定程序情况说明", exact=True).fill(
            "依法不予公开征求意见（已登记法律依据）；草案经市发改委、市市场监管局会商。"
        )
        page.get_by_label("拟提交会议日期").fill("2026-04-20")
        w.shot("review-request-form")
        page.get_by_role("button", name="提请合法性审查").click()
        page.wait_for_url(re.compile(r".*/decisions/reviews/\d+/$"))
        decision.refresh_from_db()
        assert decision.state == "in_review"
        review = LegalityReview.objects.get(decision=decision)
        w.shot("review-requested")

        # A9: the office tries to submit it to collective discussion while the review is open
        w.as_user("office")
        page.goto(f"/decisions/{decision.pk}/")
        w.shot("decision-in-review")
        page.get_by_role("button", name="生成会议材料，提交集体讨论").click()
        page.wait_for_url(f"**/decisions/{decision.pk}/**")
        refusal = page.get_by_role("alert").filter(has_text="【A9】未经合法性审查")
        expect(refusal).to_be_in_viewport()  # seen where the page lands, not scrolled away
        decision.refresh_from_db()
        assert decision.state == "in_review"
        w.shot("A9-refused")
        page.screenshot(path=str(w.dir / f"{w.n:02d}-A9-refused-viewport.png"))

        # the adviser's opinion on the review
        w.as_user("adviser")
        page.goto(f"/decisions/adviser-consultations/new/?review={review.pk}")
        page.get_by_label("法律意见", exact=True).fill(
            "调整收费标准属于市政府定价权限，符合《价格法》及省定价目录的规定。"
        )
        page.get_by_label("合法合规").check()
        w.shot("adviser-form")
        page.get_by_role("button", name="保存咨询记录").click()
        page.wait_for_url(f"**/decisions/{decision.pk}/**")
        w.success("咨询记录已保存")

        # the reviewer takes the review and concludes it: 权限, 程序, 内容 — 合法
        w.as_user("reviewer")
        page.goto(f"/decisions/reviews/{review.pk}/")
        page.get_by_role("button", name="由我承办").click()
        page.get_by_label("权限审查意见").wait_for()
        page.get_by_label("权限审查意见").fill("调整停车收费标准属于市政府的法定权限。")
        page.get_by_label("程序审查意见").fill(
            "依法不予公开征求意见，法律依据充分；已听取法律顾问意见。"
        )
        page.get_by_label("内容审查意见").fill("内容符合《价格法》和省定价目录的规定。")
        page.get_by_label("合法", exact=True).check()
        w.shot("review-conclude-form")
        page.get_by_role("button", name="出具审查意见").click()
        page.wait_for_load_state()
        review.refresh_from_db()
        assert review.conclusion == "lawful"
        w.shot("review-concluded")

        # the office builds the packet: the decision is ready for collective discussion
        w.as_user("office")
        page.goto(f"/decisions/{decision.pk}/")
        page.get_by_role("button", name="生成会议材料，提交集体讨论").click()
        page.wait_for_url(f"**/decisions/{decision.pk}/**")
        w.success("集体讨论材料已齐备")
        decision.refresh_from_db()
        assert decision.state == "ready"
        w.shot("decision-ready")

    with at("2026-04-20"):
        # the office holds a 常务会议: agenda, members' positions, the head's decision last
        w.as_user("office")
        page.goto("/decisions/meetings/")
        page.get_by_label("会议类型").select_option("standing")
        page.get_by_label("会议名称").fill("市政府第12次常务会议")
        page.get_by_label("会议日期").fill("2026-04-20")
        page.get_by_label("主持人（行政首长）").fill("王市长")
        page.get_by_role("button", name="安排会议").click()
        page.wait_for_url(re.compile(r".*/decisions/meetings/\d+/$"))
        page.get_by_label("待集体讨论的决策").select_option(
            label=f"{decision.code} {decision.title}"
        )
        page.get_by_role("button", name="列入议题").click()
        page.locator(".agenda-item").first.wait_for()
        for member, title in (
            ("张副市长", "副市长"),
            ("李副市长", "副市长"),
            ("赵秘书长", "秘书长"),
        ):
            page.get_by_label("组成人员", exact=True).fill(member)
            page.get_by_label("职务", exact=True).fill(title)
            page.get_by_label("意见", exact=True).select_option("agree")
            page.get_by_role("button", name="登记意见").click()
            page.locator("table.positions", has_text=member).wait_for()
        w.shot("meeting-positions")
        page.get_by_label("决定", exact=True).select_option("adopt")
        page.get_by_role("button", name="登记决定").click()
        page.locator(".head-decision").wait_for()
        decision.refresh_from_db()
        assert decision.state == "decided"
        page.get_by_role("button", name="签发会议记录").click()
        page.locator("#meeting-state", has_text="已签发").wait_for()
        packet = page.locator(".agenda-item .packet").inner_text()
        assert "2026年4月1日" in packet and "2026-04-01" not in packet
        w.shot("meeting-record")

    with at("2026-04-24"):
        # after the decision: the party report, then publication
        w.as_user("office")
        page.goto(f"/decisions/{decision.pk}/")
        page.locator("#panel-after").get_by_role("link", name="向同级党委请示报告").click()
        page.get_by_label("报告日期").fill("2026-04-22")
        page.get_by_label("请示报告文号").fill("赶超府〔2026〕31号")
        w.shot("party-report-form")
        page.get_by_role("button", name="提交向同级党委请示报告").click()
        page.wait_for_url(f"**/decisions/{decision.pk}/**")
        w.success("已登记请示报告")
        page.locator("#panel-after").get_by_role("link", name="登记公布情况").click()
        page.get_by_label("公布渠道").select_option("website")
        page.get_by_label("政府公报期号或网址").fill(
            "https://www.example.gov.cn/zwgk/2026/0424.html"
        )
        page.get_by_label("公布日期").fill("2026-04-24")
        page.get_by_label("文号").fill("赶超府发〔2026〕8号")
        page.get_by_label("决策文本").fill("一、调整城区路内停车收费标准……\n二、夜间停车免费。")
        w.shot("publication-form")
        page.get_by_role("button", name="提交公布决策").click()
        page.wait_for_url(f"**/decisions/{decision.pk}/**")
        w.success("已登记决策公布情况")
        decision.refresh_from_db()
        assert decision.state == "published"
        w.shot("decision-published")

        # anyone, without logging in, reads the published decision on the public portal
        page.context.clear_cookies()
        page.goto(f"/public/decisions/{decision.code}/")
        text = main_text(page)
        assert decision.title in text and "赶超府发〔2026〕8号" in text
        assert "本决策依法不予公开征求意见" in text
        w.shot("public-decision")
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(w.dir / f"{w.n:02d}-public-decision-phone.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
