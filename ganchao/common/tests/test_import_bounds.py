"""Imports that cannot exhaust the server (issue 12 item 7): a 1 MB .xlsx holding 1 GiB of
whitespace took 21.8 s and 2.1 GB, and a 19 MB sheet of 1M rows held a worker for 5 minutes
before refusing. Now the zip directory is checked before anything is unpacked, rows are read
as a stream and the first row past the limit stops the reading, and a large sheet is checked
and written by a background job whose progress the page shows."""

import contextlib
import io
import struct
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ganchao.common import excel, import_jobs
from ganchao.common.excel import ExcelBook, ExcelFileError
from ganchao.orgs.imports import unit_sheet_import
from ganchao.orgs.models import Unit
from ganchao.orgs.tests.sheets import GOOD_ROWS, unit_sheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"


def rebuilt(data: bytes, replace: dict[str, bytes] | None = None, extra=()) -> bytes:
    """The workbook with some members' content replaced and extra members added, deflated."""
    replace = replace or {}
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            target.writestr(item.filename, replace.get(item.filename, source.read(item.filename)))
        for name, content in extra:
            target.writestr(name, content)
    return out.getvalue()


def whitespace_bomb(member: str, megabytes: int = 16) -> bytes:
    """A normal unit sheet whose sheet XML, or a shared string, carries `megabytes` of spaces:
    a small file that would unpack to far more."""
    data = unit_sheet(GOOD_ROWS)
    spaces = b" " * (megabytes * 1024 * 1024)
    if member == STRINGS:  # openpyxl writes none of its own: one huge whitespace string
        strings = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        return rebuilt(data, extra=[(STRINGS, strings + b"<si><t>" + spaces + b"</t></si></sst>")])
    original = zipfile.ZipFile(io.BytesIO(data)).read(member)
    closing = original.rindex(b"</")
    return rebuilt(data, {member: original[:closing] + spaces + original[closing:]})


@contextlib.contextmanager
def nothing_unpacked():
    """Fails the test if, inside the block, the workbook is parsed or a member is read."""

    def refuse(*args, **kwargs):
        raise AssertionError("the archive was unpacked before it was checked")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(excel, "open_read_only", refuse)
        patch.setattr(zipfile.ZipFile, "read", refuse)
        patch.setattr(zipfile.ZipFile, "open", refuse)
        yield


# ---- the archive ------------------------------------------------------------------------


@pytest.mark.parametrize("member", [SHEET, STRINGS])
def test_a_whitespace_bomb_is_refused_before_unpacking(member):
    data = whitespace_bomb(member)
    assert len(data) < 1024 * 1024  # a small file …
    with nothing_unpacked(), pytest.raises(ExcelFileError) as refused:
        ExcelBook.open(data, "单位表.xlsx")
    message = refused.value.message
    assert "压缩比" in message and "100:1" in message and member in message


def declared_size(data: bytes, member: str, size: int) -> bytes:
    """The archive with the central directory declaring `size` unpacked bytes for `member`."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    start = archive.start_dir
    blob = bytearray(data)
    position = start
    while blob[position : position + 4] == b"PK\x01\x02":
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", blob, position + 28)
        name = bytes(blob[position + 46 : position + 46 + name_length]).decode()
        if name == member:
            struct.pack_into("<I", blob, position + 24, size)
        position += 46 + name_length + extra_length + comment_length
    return bytes(blob)


def test_an_archive_declaring_more_than_the_unpacked_limit_is_refused():
    data = declared_size(unit_sheet(GOOD_ROWS), SHEET, 210 * 1024 * 1024)
    with nothing_unpacked(), pytest.raises(ExcelFileError) as refused:
        ExcelBook.open(data, "单位表.xlsx")
    assert "超过 200 MB" in refused.value.message


def test_too_many_members_are_refused():
    extra = [(f"xl/media/image{n}.bin", b"x") for n in range(1001)]
    data = rebuilt(unit_sheet(GOOD_ROWS), extra=extra)
    with nothing_unpacked(), pytest.raises(ExcelFileError) as refused:
        ExcelBook.open(data, "单位表.xlsx")
    assert "超过 1000 个" in refused.value.message


def test_encrypted_members_are_refused():
    data = bytearray(unit_sheet(GOOD_ROWS))
    start = zipfile.ZipFile(io.BytesIO(bytes(data))).start_dir
    flags = struct.unpack_from("<H", data, start + 8)[0]
    struct.pack_into("<H", data, start + 8, flags | 0x1)  # the first member, as encrypted
    with nothing_unpacked(), pytest.raises(ExcelFileError) as refused:
        ExcelBook.open(bytes(data), "单位表.xlsx")
    assert "已加密" in refused.value.message


def test_a_bomb_through_the_unit_import_gives_a_clear_error(city):
    result = unit_sheet_import(actor=city.admin, data=whitespace_bomb(SHEET), filename="b.xlsx")
    (error,) = result.errors
    assert "压缩炸弹" in error.message and "100:1" in error.message
    assert not Unit.objects.filter(name="北湖镇").exists()


# ---- rows ---------------------------------------------------------------------------------


def departments(count: int) -> list[list]:
    return [["", f"测试部门{n}", "赶超市", "部门", "", "", n] for n in range(1, count + 1)]


def test_a_sheet_one_row_past_the_limit_is_refused_naming_the_limit(city, settings):
    settings.IMPORT_MAX_ROWS = 30
    result = unit_sheet_import(actor=city.admin, data=unit_sheet(departments(31)), dry_run=True)
    (error,) = result.errors
    assert error.message == "工作表“单位”超过 30 行，请分成几个文件导入"
    at_limit = unit_sheet_import(actor=city.admin, data=unit_sheet(departments(30)), dry_run=True)
    assert not at_limit.errors and len(at_limit.created) == 30


def test_reading_stops_at_the_first_row_past_the_limit(settings, monkeypatch):
    settings.IMPORT_MAX_ROWS = 30
    kept = []
    original = excel.SheetData._keep
    monkeypatch.setattr(
        excel.SheetData, "_keep", lambda self, n, cells: (kept.append(n), original(self, n, cells))
    )
    with pytest.raises(ExcelFileError, match="超过 30 行"):
        ExcelBook.open(unit_sheet(departments(5000))).find_table(["单位名称", "单位类型"])
    assert len(kept) <= 30 + excel.HEADER_SEARCH_ROWS + 1


def test_the_reader_keeps_values_formats_and_merges(city):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["编号", "名称", "完成率"])
    sheet.append(["1", "甲", 0.5])
    sheet.append([None, "乙", 0.25])
    sheet["C2"].number_format = "0%"
    sheet.merge_cells("A2:A3")
    buffer = io.BytesIO()
    book.save(buffer)
    table = ExcelBook.open(buffer.getvalue()).find_table(["编号", "名称"])
    rows = table.rows()
    assert [row.text("编号") for row in rows] == ["1", "1"]  # the merged value on both rows
    assert rows[0].decimal("完成率") == 50 and rows[1].decimal("完成率") == 0.25


# ---- large sheets in the background -------------------------------------------------------


def upload(client, data: bytes):
    file = SimpleUploadedFile("单位表.xlsx", data, XLSX)
    return client.post(reverse("orgs:unit_import"), {"file": file})


def test_a_large_sheet_is_checked_and_imported_by_a_background_job(city, login, settings):
    settings.IMPORT_BACKGROUND_ROWS = 3
    client = login(city.admin)
    started = upload(client, unit_sheet(GOOD_ROWS))
    assert started.status_code == 302 and "/imports/jobs/" in started.url
    back = client.get(started.url)  # the test backend ran the job at once
    assert back.status_code == 302 and "import_job=" in back.url
    preview = client.get(back.url)
    assert "检查通过，还没有写入任何数据" in preview.content.decode()
    assert not Unit.objects.filter(name="北湖镇").exists()  # checked, not written
    digest = preview.context["result"].sha256
    confirmed = client.post(reverse("orgs:unit_import_confirm"), {"digest": digest})
    assert confirmed.status_code == 302 and "/imports/jobs/" in confirmed.url
    done = client.get(client.get(confirmed.url).url, follow=True)
    assert "单位表已导入" in done.content.decode()
    assert Unit.objects.filter(name="北湖镇", parent__code="C").exists()


def test_a_job_is_only_its_owners(city, login, settings):
    settings.IMPORT_BACKGROUND_ROWS = 3
    started = upload(login(city.admin), unit_sheet(GOOD_ROWS))
    job_id = started.url.rstrip("/").rsplit("/", 1)[-1]
    other = login(city.security)
    assert other.get(started.url).status_code == 404
    page = other.get(reverse("orgs:unit_import") + f"?import_job={job_id}")
    assert "检查通过" not in page.content.decode()


def test_the_progress_page_shows_rows_read_and_polls(city, login):
    job = import_jobs.ImportJob(
        id="a" * 32, owner_id=city.admin.pk, page=reverse("orgs:unit_import"),
        filename="大表.xlsx", digest="0" * 64, dry_run=True, function="x", state="running",
        rows_read=12000, rows_total=48000,
    )  # fmt: skip
    import_jobs.job_save(job)
    client = login(city.admin)
    response = client.get(reverse("common:import_job", args=[job.id]))
    content = response.content.decode()
    assert response.status_code == 200, content[-3000:]
    assert "已读取 12,000 行，共约 48,000 行" in content and "大表.xlsx" in content
    assert 'hx-trigger="every 2s"' in content and 'aria-valuenow="25"' in content
    fragment = client.get(reverse("common:import_job", args=[job.id]), HTTP_HX_REQUEST="true")
    assert fragment.content.decode().lstrip().startswith('<div id="import-job-status"')


def test_a_result_whose_signature_does_not_hold_is_not_read(city, login, settings):
    settings.IMPORT_BACKGROUND_ROWS = 3
    client = login(city.admin)
    back = client.get(upload(client, unit_sheet(GOOD_ROWS)).url)
    job_id = back.url.rsplit("=", 1)[-1]
    path = import_jobs.job_dir() / f"{job_id}.result"
    path.write_bytes(b"\0" * 32 + path.read_bytes()[32:])
    assert "检查通过" not in client.get(back.url).content.decode()


def test_only_marked_import_functions_run_in_the_background():
    with pytest.raises(ValueError, match="not a sheet import"):
        import_jobs.unpack_run("os.system", {})


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_progress_page_polls_and_returns_when_done(
    page, live_server, city, client, artifacts_dir
):
    """In a real browser: the bar shows the rows read, htmx polls, and once the job is done
    the page goes back to where the import started."""
    job = import_jobs.ImportJob(
        id="b" * 32, owner_id=city.liaison_a.pk, page=reverse("web:home"),
        filename="2026年目标任务分解表.xlsx", digest="0" * 64, dry_run=True, function="x",
        state="running", rows_read=18000, rows_total=48000,
    )  # fmt: skip
    import_jobs.job_save(job)
    client.force_login(city.liaison_a)
    session = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    page.goto(reverse("common:import_job", args=[job.id]))
    assert page.get_by_text("已读取 18,000 行，共约 48,000 行").is_visible()
    assert page.locator(".progress-bar").evaluate("bar => bar.style.width") == "37%"
    page.screenshot(path=str(artifacts_dir / "import_job_progress.png"), full_page=True)
    job.state = "done"
    import_jobs.job_save(job)
    page.wait_for_url(f"**/?import_job={job.id}")
