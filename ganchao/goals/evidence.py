"""Evidence files (also appeal files and decision materials): the evidence policy of the one
checked store (ganchao.common.filestore) — type by content, at most 20 MB, stored under a
generated name outside the database, hashed with SHA-256 on upload and re-verified on download.

Accepted: PDF; PNG, JPEG, GIF and WebP images; Word (.docx) and Excel (.xlsx), their package
structure checked (no zip bomb, no embedded program, no macros).
"""

from ganchao.common import filestore
from ganchao.common.filestore import Checked as CheckedFile
from ganchao.common.filestore import sha256_of

__all__ = ["ACCEPTED_TEXT", "EVIDENCE", "MAX_BYTES", "MAX_FILES", "CheckedFile", "sha256_of"]

MAX_BYTES = 20 * 1024 * 1024
MAX_FILES = 20
ACCEPTED_TEXT = "PDF、图片（PNG、JPG、GIF、WebP）、Word（.docx）、Excel（.xlsx）"

EVIDENCE = filestore.Policy(
    types=filestore.DOCUMENT_TYPES,
    max_bytes=MAX_BYTES,
    folder="evidence",
    accepted_text=ACCEPTED_TEXT,
    field="files",
)


def check_upload(upload) -> CheckedFile:
    """Refuse a file that is too large, empty, or not one of the accepted types by content."""
    return filestore.check(upload, EVIDENCE)


def store(upload, checked: CheckedFile) -> str:
    """Save under a random name (never the uploaded one) and return the storage name."""
    return filestore.store_checked(upload, checked, EVIDENCE)


def verify(evidence) -> bool:
    """Whether the stored file still has the hash taken on upload."""
    return filestore.verify(evidence.file.name, evidence.sha256)
