"""Feedback attachments of supervised matters in the one checked store (ganchao.common.filestore):
PDF, images and Office files only, by content and structure, at most 20 MB, stored under a
generated name with their SHA-256; re-verified before every download, a changed or missing file
refused with 409 and the refusal recorded in the audit chain."""

from django.db import transaction
from django.utils.translation import gettext as _

from ganchao.audit.registry import register
from ganchao.audit.services import Target, audit_record
from ganchao.common import filestore
from ganchao.common.errors import NotFound
from ganchao.supervision.matter_services import MAX_ATTACHMENT_BYTES
from ganchao.supervision.models import MatterFeedback

ATTACHMENT_REFUSED = register("matter.attachment_refused", _("督办反馈附件校验未通过，拒绝下载"))

ACCEPTED_TEXT = (
    "PDF、图片（PNG、JPG、GIF、WebP）、Word（.docx）、Excel（.xlsx）、PowerPoint（.pptx）"
)
ATTACHMENTS = filestore.Policy(
    types=filestore.DOCUMENT_TYPES | {filestore.PPTX},
    max_bytes=MAX_ATTACHMENT_BYTES,
    folder="matters",
    accepted_text=ACCEPTED_TEXT,
    field="attachment",
)
NAME_LIMIT = MatterFeedback._meta.get_field("attachment_name").max_length


def attachment_check(attachment) -> filestore.Checked | None:
    """The checked attachment (None when there is none); refused before anything is written."""
    if attachment is None:
        return None
    return filestore.check(attachment, ATTACHMENTS)


def attachment_attach(feedback: MatterFeedback, attachment, checked: filestore.Checked) -> None:
    """Stream the checked attachment to storage and fill the feedback's attachment fields (the
    caller saves the row)."""
    feedback.attachment.name = filestore.store_checked(attachment, checked, ATTACHMENTS)
    feedback.attachment_name = filestore.original_name(attachment, NAME_LIMIT)
    feedback.attachment_sha256 = checked.sha256
    feedback.attachment_content_type = checked.content_type
    feedback.attachment_size = checked.size


def attachment_open(*, actor, matter, feedback_id: int):
    """(open file, feedback) of a feedback's attachment on a matter the actor may read, after
    re-hashing it; a changed or missing file is refused (FileAltered, 409) and recorded."""
    feedback = next((f for f in matter.feedbacks.all() if f.pk == feedback_id), None)
    if feedback is None or not feedback.attachment:
        raise NotFound(_("附件不存在"))
    display = feedback.attachment_name or _("附件")
    try:
        handle = filestore.open_verified(
            feedback.attachment.name, feedback.attachment_sha256, display
        )
    except filestore.FileAltered:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action=ATTACHMENT_REFUSED,
                target=Target.of(matter, "matter"),
                changes={"attachment": {"before": display, "after": None}},
                reason=_("文件校验值不符或文件缺失"),
                success=False,
            )
        raise
    return handle, feedback


def attachment_response(handle, feedback: MatterFeedback):
    return filestore.file_response(
        handle,
        filename=feedback.attachment_name or _("附件"),
        content_type=feedback.attachment_content_type,
    )
