"""Every stored file the platform keeps with its SHA-256 taken on upload (DESIGN.md 3.1 `ganchao
files verify`): evidence, appeal files, bulletins and their templates, decision materials.

Each entry: (label, app label, model name, file field, hash field). A later app with stored
files adds its entry here."""

import hashlib
from dataclasses import dataclass, field

from django.apps import apps
from django.core.files.storage import default_storage

CHUNK = 1024 * 1024

STORED_FILES = [
    ("佐证材料", "goals", "Evidence", "file", "sha256"),
    ("申诉材料", "assessment", "AppealEvidence", "file", "sha256"),
    ("考核通报", "assessment", "BulletinIssue", "document", "sha256"),
    ("通报模板", "assessment", "BulletinTemplate", "file", "sha256"),
    ("决策材料", "decisions", "DecisionFile", "file", "sha256"),
    ("执法案卷材料", "enforcement", "CaseFile", "file", "sha256"),
    ("执法决定书", "enforcement", "CaseDecision", "document", "document_sha256"),
    ("执法决定书模板", "enforcement", "DocumentTemplate", "file", "sha256"),
]


@dataclass
class VerifyResult:
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _digest(name: str) -> str | None:
    try:
        with default_storage.open(name, "rb") as handle:
            digest = hashlib.sha256()
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                digest.update(chunk)
            return digest.hexdigest()
    except (FileNotFoundError, OSError):
        return None


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
            if not name or not expected:
                continue
            result.checked += 1
            actual = _digest(name)
            if actual is None:
                result.problems.append(f"{label} #{pk}（{name}）：文件缺失")
            elif actual != expected:
                result.problems.append(f"{label} #{pk}（{name}）：校验值不符，文件已被改动")
    return result
