"""API twins of the bulletin and benchmark pages (DESIGN.md 3.1): issuing a bulletin (通报) of a
published result and downloading its .docx, replacing or restoring the bulletin template, and
the benchmark register (对标一流: add, edit, deactivate). Each handler calls the service its
page calls. Bulletins are the office's alone (404 for everyone else, as on the pages)."""

import datetime as dt

from django.db import transaction
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import File, Router, Schema
from ninja import Status as Reply
from ninja.files import UploadedFile
from ninja.pagination import paginate

from ganchao.assessment import api_reads as reads
from ganchao.assessment import bulletin, permissions, services_benchmarks, services_bulletins
from ganchao.assessment.models import Benchmark, BulletinIssue
from ganchao.common.api import LocalDatetime, Page, PageRows, require_version
from ganchao.common.errors import NotFound
from ganchao.goals import selectors as goal_selectors

router = Router(tags=["比着干：通报与对标"])


def _office(actor) -> None:
    if not permissions.manages_assessment(actor):
        raise NotFound(_("对象不存在或不在您的查看范围内"))


class BulletinIn(Schema):
    scheme_code: str
    period: str


class BulletinOut(Schema):
    id: int
    number: str
    scheme_code: str
    period: str
    result_revision: int
    issued_on: dt.date
    issued_at: LocalDatetime
    download: str


def _bulletin_out(issue: BulletinIssue) -> dict:
    return {
        "id": issue.pk,
        "number": issue.number,
        "scheme_code": issue.scheme_code,
        "period": issue.period,
        "result_revision": issue.result.result_revision,
        "issued_on": issue.issued_on,
        "issued_at": issue.issued_at,
        "download": f"/api/v1/assessment/bulletins/{issue.pk}/document",
    }


@router.get("/assessment/bulletins", response=list[BulletinOut], summary="已印发的考核通报")
@paginate(Page)
def bulletins(request):
    _office(request.user)
    return PageRows(bulletin.issues(), _bulletin_out)


@router.post(
    "/assessment/bulletins",
    response={200: BulletinOut, 201: BulletinOut},
    summary="生成通报（最新发布版本；新编文号 201，该版本已有文号则沿用，200）",
)
def bulletin_issue(request, payload: BulletinIn):
    generated = services_bulletins.bulletin_generate(
        actor=request.user, scheme_code=payload.scheme_code.strip(), period=payload.period.strip()
    )
    return Reply(201 if generated.created else 200, _bulletin_out(generated.issue))


@router.get(
    "/assessment/bulletins/{bulletin_id}/document",
    response={200: None},
    summary="下载通报（.docx，与首次生成时一致）",
)
def bulletin_download(request, bulletin_id: int):
    _office(request.user)
    issue = BulletinIssue.objects.select_related("result__scheme__category").filter(pk=bulletin_id)
    issue = issue.first()
    if issue is None:
        raise NotFound(_("对象不存在或不在您的查看范围内"))
    with transaction.atomic():
        content = services_bulletins.issued_document(issue)
    response = HttpResponse(content, content_type=bulletin.DOCX_TYPE)
    filename = bulletin.issue_filename(issue)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


class TemplateOut(Schema):
    id: int
    name: str
    sha256: str
    uploaded_at: LocalDatetime


@router.post(
    "/assessment/bulletins/template",
    response={201: TemplateOut},
    summary="上传通报模板（multipart：file，.docx；在沙箱中试生成通过后启用）",
)
def bulletin_template_upload(request, file: File[UploadedFile]):
    row = services_bulletins.bulletin_template_upload(actor=request.user, upload=file)
    return Reply(
        201,
        {
            "id": row.pk,
            "name": row.original_name,
            "sha256": row.sha256,
            "uploaded_at": row.uploaded_at,
        },
    )


@router.delete(
    "/assessment/bulletins/template", response={204: None}, summary="恢复使用内置通报模板"
)
def bulletin_template_revert(request):
    services_bulletins.bulletin_template_revert(actor=request.user)
    return Reply(204, None)


# ---- the benchmark register ----------------------------------------------------------------


class BenchmarkFields(Schema):
    region: str
    value: str
    year: int
    source: str
    definition: str = ""


class BenchmarkIn(BenchmarkFields):
    item_id: int


class BenchmarkUpdateIn(BenchmarkFields):
    expected_version: int | None = None


class BenchmarkVersionIn(Schema):
    expected_version: int | None = None


class BenchmarkOut(Schema):
    id: int
    item_id: int
    item_code: str
    region: str
    value: str
    year: int
    source: str
    definition: str
    active: bool
    version: int


def _benchmark_out(benchmark: Benchmark) -> dict:
    return {
        "id": benchmark.pk,
        "item_id": benchmark.item_id,
        "item_code": benchmark.item.code,
        "region": benchmark.region,
        "value": format(benchmark.value.normalize(), "f"),
        "year": benchmark.year,
        "source": benchmark.source,
        "definition": benchmark.definition,
        "active": benchmark.active,
        "version": benchmark.version,
    }


def _benchmark(actor, benchmark_id: int) -> Benchmark:
    """The benchmark of an indicator the actor reads (404 otherwise)."""
    reads.readable(actor)
    benchmark = Benchmark.objects.select_related("item").filter(pk=benchmark_id).first()
    if benchmark is None:
        raise NotFound(_("对象不存在或不在您的查看范围内"))
    goal_selectors.item_get(actor, benchmark.item_id)
    return benchmark


@router.get(
    "/assessment/benchmarks",
    response=list[BenchmarkOut],
    summary="一个指标的对标值（督查室含已停用的）",
)
def benchmarks(request, item: int):
    reads.readable(request.user)
    indicator = goal_selectors.item_get(request.user, item)
    rows = Benchmark.objects.select_related("item").filter(item=indicator)
    if not permissions.manages_assessment(request.user):
        rows = rows.filter(active=True)
    return [_benchmark_out(row) for row in rows.order_by("-year", "region", "id")]


@router.post("/assessment/benchmarks", response={201: BenchmarkOut}, summary="新增对标值")
def benchmark_create(request, payload: BenchmarkIn):
    reads.readable(request.user)
    item = goal_selectors.item_get(request.user, payload.item_id)
    benchmark = services_benchmarks.benchmark_create(
        actor=request.user, item=item, **payload.dict(exclude={"item_id"})
    )
    return Reply(201, _benchmark_out(benchmark))


@router.put(
    "/assessment/benchmarks/{benchmark_id}",
    response=BenchmarkOut,
    summary="修改对标值（expected_version 防止覆盖他人的修改，不符为 409）",
)
def benchmark_update(request, benchmark_id: int, payload: BenchmarkUpdateIn):
    benchmark = _benchmark(request.user, benchmark_id)
    values = payload.dict()
    values["expected_version"] = require_version(request, values["expected_version"], benchmark)
    benchmark = services_benchmarks.benchmark_update(
        actor=request.user, benchmark=benchmark, **values
    )
    return _benchmark_out(benchmark)


@router.post(
    "/assessment/benchmarks/{benchmark_id}/deactivate",
    response=BenchmarkOut,
    summary="停用对标值（记录保留）",
)
def benchmark_deactivate(request, benchmark_id: int, payload: BenchmarkVersionIn = None):
    benchmark = _benchmark(request.user, benchmark_id)
    benchmark = services_benchmarks.benchmark_deactivate(
        actor=request.user, benchmark=benchmark,
        expected_version=require_version(
            request, payload.expected_version if payload else None, benchmark
        ),
    )  # fmt: skip
    return _benchmark_out(benchmark)
