"""Every stored file the platform keeps with its SHA-256 taken on upload (DESIGN.md 3.1 `ganchao
files verify`): evidence, appeal files, bulletins and their templates, decision materials,
enforcement case files, decisions and templates, and matter feedback attachments.

Each entry: (label, app label, model name, file field, hash field). Every FileField of every
model must be listed (a test walks the installed apps), so a new one cannot be forgotten. A
stored file without a recorded hash is a problem too: it cannot be verified."""

from dataclasses import dataclass, field

from django.apps import apps

from ganchao.common.filestore import digest_of

STORED_FILES = [
    ("佐证材料", "goals", "Evidence", "file", "sha256"),
    ("申诉材料", "assessment", "AppealEvidence", "file", "sha256"),
    ("考核通报", "assessment", "BulletinIssue", "document", "sha256"),
    ("通报模板", "assessment", "BulletinTemplate", "file", "sha256"),
    ("决策材料", "decisions", "DecisionFile", "file", "sha256"),
    ("执法案卷材料", "enforcement", "CaseFile", "file", "sha256"),
    ("执法决定书", "enforcement", "CaseDecision", "document", "document_sha256"),
    ("执法决定书模板", "enforcement", "DocumentTemplate", "file", "sha256"),
    ("督办反馈附件", "supervision", "MatterFeedback", "attachment", "attachment_sha256"),
    ("问题照片", "problems", "ProblemPhoto", "file", "sha256"),
    ("问题照片缩略图", "problems", "ProblemPhoto", "thumbnail", "thumbnail_sha256"),
]


@dataclass
class VerifyResult:
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def files_verify() -> VerifyResult:
    """Re-hash every stored file (streamed, never whole in memory) against its record."""
    result = VerifyResult()
    for label, app_label, model_name, file_field, hash_field in STORED_FILES:
        model = apps.get_model(app_label, model_name)
        rows = (
            model.objects.exclude(**{file_field: ""})
            .order_by("pk")
            .values_list("pk", file_field, hash_field)
        )
        for pk, name, expected in rows.iterator(chunk_size=500):
            if not name:
                continue
            result.checked += 1
            actual = digest_of(name)
            if actual is None:
                result.problems.append(f"{label} #{pk}（{name}）：文件缺失")
            elif not expected:
                result.problems.append(f"{label} #{pk}（{name}）：未记录校验值，无法核验")
            elif actual != expected:
                result.problems.append(f"{label} #{pk}（{name}）：校验值不符，文件已被改动")
    return result
