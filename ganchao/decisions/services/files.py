"""Stored files of decisions: checked by content, hashed on upload (SHA-256), re-verified on
every access. Decision files are never deleted (A15)."""

import dataclasses

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from ganchao.common import filestore
from ganchao.common.errors import Conflict, ValidationFailed
from ganchao.decisions.choices import MaterialKind
from ganchao.decisions.models import DecisionFile
from ganchao.decisions.services.base import record
from ganchao.goals.evidence import EVIDENCE, check_upload

# decision materials: the evidence policy, stored in their own folder
DECISION_FILES = dataclasses.replace(EVIDENCE, folder="decisions")


def decision_file_add(
    *, actor, decision, kind: str, upload, procedure: str = "", object_id=None
) -> DecisionFile:
    """Store one upload against the decision. Callers check their own permission first."""
    if kind not in MaterialKind.values:
        raise ValidationFailed.on("kind", _("材料类别无效"))
    checked = check_upload(upload)
    stored = filestore.store_checked(upload, checked, DECISION_FILES)
    with transaction.atomic():
        return _file_row(actor, decision, kind, upload, procedure, object_id, stored, checked)


def _file_row(actor, decision, kind, upload, procedure, object_id, stored, checked):
    item = DecisionFile.objects.create(
        decision=decision,
        kind=kind,
        procedure=procedure,
        object_id=object_id,
        file=stored,
        original_name=(upload.name or "")[:255],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    record(
        actor=actor,
        decision=decision,
        action="decision.file_add",
        changes={
            "file": {"before": None, "after": item.original_name},
            "sha256": {"before": None, "after": item.sha256},
        },
    )
    return item


def verify(item: DecisionFile) -> bool:
    return filestore.verify(item.file.name, item.sha256)


def decision_file_open(*, actor, item: DecisionFile):
    """The open file handle after re-verifying its hash; a file that differs is refused and the
    refusal recorded."""
    if not verify(item):
        with transaction.atomic():
            record(
                actor=actor,
                decision=item.decision,
                action="decision.file_open",
                changes={"file": {"before": item.original_name, "after": None}},
                reason=_("文件校验值不符或文件缺失"),
                success=False,
            )
        raise Conflict(
            _("文件“%(name)s”的校验值与上传时不符或文件缺失，已拒绝下载并记录")
            % {"name": item.original_name}
        )
    return default_storage.open(item.file.name, "rb")
