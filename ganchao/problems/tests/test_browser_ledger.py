"""Real browser: a leader's visit records a problem at a project site; the town plans and reports
the rectification with a photo; the leader (the finder) verifies and closes it out. The ledger
with its chart and the problem page are saved as screenshots (test-artifacts/ and /tmp/shots/)."""

import datetime as dt
import shutil
from pathlib import Path

import pytest
from django.utils import timezone

from ganchao.conftest import log_in_page
from ganchao.problems import services
from ganchao.problems.choices import State
from ganchao.problems.models import Problem
from ganchao.problems.tests.factories import ProblemFactory, make_photo_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots")


def shoot(page, artifacts_dir, name: str) -> None:
    path = artifacts_dir / name
    page.screenshot(path=str(path), full_page=True)
    SHOTS.mkdir(exist_ok=True)
    shutil.copy(path, SHOTS / name)


@pytest.fixture
def ledger(pcity):
    """A ledger of every age and severity, and the project-site problem the leader found."""
    today = timezone.localdate()
    for n, days in enumerate([1, 3, 9, 15, 30, 45, 90, 120, 200, 400]):
        ProblemFactory(
            owner_unit=pcity.town_a if n % 2 else pcity.town_b,
            found_on=today - dt.timedelta(days=days),
            deadline=today - dt.timedelta(days=days - 20),
            severity=["general", "serious", "severe"][n % 3],
            legacy=n % 4 == 0,
            recurrence_count=1 if n == 5 else 0,
        )
    return services.problem_create(
        actor=pcity.leader_user,
        source="visit",
        place_type="project_site",
        place="高铁新城3号地块",
        category="project",
        severity="serious",
        description="施工便道未硬化，扬尘严重，影响周边村民出行",
        owner_unit=pcity.town_a,
        blocks_project=True,
        photos=[("发现时.png", make_photo_bytes("png"))],
    )


def test_the_town_rectifies_and_the_leader_closes_out(page, pcity, ledger, artifacts_dir, tmp_path):
    log_in_page(page, "office")
    page.wait_for_url("**/")
    page.goto("/problems/")
    page.locator("#problem-age-chart canvas").first.wait_for()
    assert page.locator("#problems tbody tr").count() == 11
    shoot(page, artifacts_dir, "problems_ledger.png")

    photo = tmp_path / "整改后.png"
    photo.write_bytes(make_photo_bytes("png"))
    page.context.clear_cookies()
    log_in_page(page, "town_a_liaison")
    page.wait_for_url("**/")
    page.goto(f"/problems/{ledger.pk}/")
    page.get_by_label("整改措施").fill("硬化便道，加装喷淋降尘")
    page.get_by_role("button", name="保存整改措施，开始整改").click()
    page.wait_for_url(f"**/problems/{ledger.pk}/")
    page.get_by_label("整改情况").fill("便道已硬化，喷淋已投入使用")
    page.get_by_label("整改后照片").set_input_files(str(photo))
    page.get_by_role("button", name="提交整改报告，申请核验").click()
    page.wait_for_url(f"**/problems/{ledger.pk}/")
    assert "待核验" in page.locator("#problem-state").inner_text()

    page.context.clear_cookies()
    log_in_page(page, "leader")
    page.wait_for_url("**/")
    page.goto(f"/problems/{ledger.pk}/")
    page.get_by_label("整改到位，同意销号").check()
    page.get_by_label("核验意见").fill("现场核验，整改到位")
    page.get_by_role("button", name="提交核验结论").click()
    page.wait_for_url(f"**/problems/{ledger.pk}/")
    assert "已销号" in page.locator("#problem-state").inner_text()
    assert page.locator("#problem-photos img").count() == 2
    shoot(page, artifacts_dir, "problems_detail.png")
    assert Problem.objects.get(pk=ledger.pk).state == State.CLOSED


def test_the_office_registers_a_problem_and_previews_the_sheet(
    page, pcity, ledger, artifacts_dir, tmp_path
):
    from ganchao.problems import sheet

    log_in_page(page, "office")
    page.wait_for_url("**/")
    page.goto("/problems/new/")
    shoot(page, artifacts_dir, "problems_new.png")
    page.get_by_label("地点", exact=True).fill("李庄村文化广场")
    page.get_by_label("问题描述").fill("路灯损坏三处，夜间无照明")
    page.locator("#id_owner_unit").fill("C101001")
    page.get_by_label("地点类型").select_option("village")
    page.get_by_label("类别").select_option("livelihood")
    page.get_by_role("button", name="登记问题").last.click()
    page.wait_for_url("**/problems/*/")
    assert "待整改" in page.locator("#problem-state").inner_text()

    data = tmp_path / "问题台账.xlsx"
    data.write_bytes(sheet.problem_sheet_export(Problem.objects.all()))
    page.goto("/problems/sheet/")
    page.get_by_label("选择问题台账").set_input_files(str(data))
    page.get_by_role("button", name="上传并预览").click()
    page.locator("#preview").wait_for()
    assert "新增 0，更新 0，未变 12" in page.locator("#preview").inner_text()
    assert "#}" not in page.locator("body").inner_text()  # no template comment leaks as text
    shoot(page, artifacts_dir, "problems_sheet_preview.png")
