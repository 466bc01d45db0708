"""Writes of the bulletins (通报): issuing a bulletin of a published result with a 文号 from the
gap-free counter, and replacing or restoring the .docx template. Each is one transaction with
its audit event; the document is rendered inside the issuing transaction, so a failed render
gives its number back."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganchao.assessment import bulletin, selectors
from ganchao.assessment.docx.render import MAX_TEMPLATE_BYTES
from ganchao.assessment.models import BulletinIssue, BulletinTemplate, Result
from ganchao.assessment.permissions import manages_assessment
from ganchao.assessment.services import period_of
from ganchao.audit.registry import register, register_object_type
from ganchao.audit.services import Target, audit_record
from ganchao.common.errors import Conflict, NotFound, ValidationFailed
from ganchao.ladder.choices import DocumentType
from ganchao.ladder.documents import document_number
from ganchao.ladder.services import number_take

BULLETIN_ISSUE = register("assessment.bulletin_issue", gettext_lazy("印发考核通报"))
TEMPLATE_UPLOAD = register("assessment.bulletin_template_upload", gettext_lazy("上传通报模板"))
TEMPLATE_REVERT = register("assessment.bulletin_template_revert", gettext_lazy("恢复内置通报模板"))
register_object_type("bulletinissue", gettext_lazy("考核通报"))
register_object_type("bulletintemplate", gettext_lazy("通报模板"))


@dataclass(frozen=True)
class Generated:
    """A rendered bulletin: its issue row, whether the number was taken now, the .docx."""

    issue: BulletinIssue
    created: bool
    content: bytes

    @property
    def filename(self) -> str:
        return bulletin.issue_filename(self.issue)


def _office_only(actor) -> None:
    if not manages_assessment(actor):
        raise NotFound(_("页面不存在"))


def _published(scheme_code: str, period: str) -> Result:
    scheme = selectors.scheme_get(scheme_code)
    span = period_of(scheme, period)
    result = (
        Result.objects.select_for_update(of=("self",))
        .select_related("scheme__category")
        .filter(scheme_code=scheme.code, period=span.code)
        .order_by("-result_revision")
        .first()
    )
    if result is None:
        raise ValidationFailed.on(
            "period",
            _("考核方案“%(code)s”%(period)s尚无已发布的考核结果，请先发布结果再生成通报")
            % {"code": scheme.code, "period": span.code},
        )
    return result


def _issue_create(actor, result: Result, at: dt.datetime) -> BulletinIssue:
    issued_on = timezone.localtime(at).date()
    sequence = number_take(DocumentType.BULLETIN, issued_on.year)
    issue = BulletinIssue.objects.create(
        scheme_code=result.scheme_code,
        period=result.period,
        result=result,
        year=issued_on.year,
        sequence=sequence,
        number=document_number(DocumentType.BULLETIN, issued_on.year, sequence),
        issued_on=issued_on,
        issued_at=at,
        issued_by=actor,
    )
    audit_record(
        actor=actor,
        action=BULLETIN_ISSUE,
        target=Target("bulletinissue", str(issue.pk), issue.number),
        changes={
            "after": {
                "number": issue.number,
                "scheme_code": result.scheme_code,
                "period": result.period,
                "result_revision": result.result_revision,
            }
        },
        at=at,
    )
    return issue


@transaction.atomic
def bulletin_generate(*, actor, scheme_code: str, period: str, at=None) -> Generated:
    """The bulletin of the latest published result of the period: its 文号 is taken once per
    result revision (and reused afterwards); the document is rendered before commit."""
    _office_only(actor)
    result = _published(scheme_code, period)
    issue = BulletinIssue.objects.filter(result=result).first()
    created = issue is None
    if created:
        issue = _issue_create(actor, result, at or timezone.now())
    issue.result = result
    return Generated(issue, created, issued_document(issue))


def issued_document(issue: BulletinIssue) -> bytes:
    """The document as first issued; rendered and kept on its first generation (issues from
    before documents were kept are rendered and kept now). A stored file whose hash no longer
    matches is refused rather than served."""
    if issue.document:
        with issue.document.open("rb") as handle:
            content = handle.read()
        if hashlib.sha256(content).hexdigest() != issue.sha256:
            raise Conflict(
                _("通报 %(number)s 的存档文件校验不符，已拒绝提供") % {"number": issue.number}
            )
        return content
    content = bulletin.issue_document(issue)
    issue.document.save(f"{uuid.uuid4().hex}.docx", ContentFile(content), save=False)
    issue.sha256 = hashlib.sha256(content).hexdigest()
    issue.save(update_fields=["document", "sha256"])
    return content


@transaction.atomic
def bulletin_template_upload(*, actor, upload) -> BulletinTemplate:
    """Make the office's own .docx the active template, once it renders in the sandbox."""
    _office_only(actor)
    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1][:255]
    if (upload.size or 0) > MAX_TEMPLATE_BYTES:
        raise ValidationFailed.on("file", _("“%(name)s”超过 10 MB") % {"name": name})
    data = upload.read()
    bulletin.template_check(data, name)
    digest = hashlib.sha256(data).hexdigest()
    stored = default_storage.save(f"templates/bulletin/{uuid.uuid4().hex}.docx", ContentFile(data))
    BulletinTemplate.objects.filter(active=True).update(active=False)
    row = BulletinTemplate.objects.create(
        file=stored, original_name=name, sha256=digest, uploaded_by=actor, active=True
    )
    audit_record(
        actor=actor,
        action=TEMPLATE_UPLOAD,
        target=Target("bulletintemplate", str(row.pk), name),
        changes={"after": {"original_name": name, "sha256": digest, "size": len(data)}},
    )
    return row


@transaction.atomic
def bulletin_template_revert(*, actor) -> None:
    """Stop using the office's template: bulletins render from the built-in one again."""
    _office_only(actor)
    active = list(BulletinTemplate.objects.select_for_update().filter(active=True))
    if not active:
        raise Conflict(_("当前已在使用内置模板"))
    BulletinTemplate.objects.filter(pk__in=[row.pk for row in active]).update(active=False)
    for row in active:
        audit_record(
            actor=actor,
            action=TEMPLATE_REVERT,
            target=Target("bulletintemplate", str(row.pk), row.original_name),
            changes={"before": {"active": True}, "after": {"active": False}},
        )
