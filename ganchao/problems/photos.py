"""Photos of a problem: checked by their bytes (JPEG, PNG or WebP only) with the shared file
store, hashed on upload, and given a thumbnail of at most 320 px made with Pillow. The stored
original and thumbnail are both re-hashed by `ganchao files verify`.

A photo arrives as a (name, bytes) pair, or as an uploaded file (pages and the API)."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ganchao.common import filestore
from ganchao.common.errors import ValidationFailed

THUMBNAIL_PX = 320
MAX_PHOTOS = 20
POLICY = filestore.Policy(
    types=frozenset({filestore.JPEG, filestore.PNG, filestore.WEBP}),
    max_bytes=20 * filestore.MB,
    folder="problems",
    accepted_text=gettext_lazy("JPEG、PNG、WebP 格式的照片"),
    field="photos",
)


@dataclass(frozen=True)
class StoredPhoto:
    """A photo in storage with its thumbnail, ready for a ProblemPhoto row."""

    stored: filestore.Stored
    thumbnail: str
    thumbnail_sha256: str


def as_upload(photo):
    """A (name, bytes) pair as an upload the file store can check; an upload stays itself."""
    if isinstance(photo, tuple | list):
        name, data = photo
        upload = ContentFile(bytes(data), name=str(name))
        return upload
    return photo


def thumbnail_bytes(upload, name: str) -> bytes:
    """A JPEG of at most THUMBNAIL_PX on its longer side, turned upright by its EXIF
    orientation; 422 on photos when the image cannot be decoded. (Pillow is imported here, not
    with the module: every server worker imports this module, few ever make a thumbnail.)"""
    from PIL import Image, ImageOps, UnidentifiedImageError

    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image = ImageOps.exif_transpose(image)
            image.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=80)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as error:
        raise ValidationFailed.on(
            POLICY.field, _("照片“%(name)s”无法识别，请重新拍摄或另存后上传") % {"name": name}
        ) from error
    finally:
        upload.seek(0)
    return buffer.getvalue()


def check_all(photos) -> list:
    """Every photo checked before anything is stored: a batch is accepted whole or not at all."""
    uploads = [as_upload(photo) for photo in photos]
    if len(uploads) > MAX_PHOTOS:
        raise ValidationFailed.on(POLICY.field, _("一次最多上传 %(n)d 张照片") % {"n": MAX_PHOTOS})
    checked = []
    for upload in uploads:
        filestore.check(upload, POLICY)
        thumb = thumbnail_bytes(upload, filestore.original_name(upload))
        checked.append((upload, thumb))
    return checked


def store(upload, thumb: bytes) -> StoredPhoto:
    """Stream a checked photo and its thumbnail to storage."""
    stored = filestore.save(upload, POLICY)
    name = default_storage.save(
        filestore.generated_name("problems/thumbs", "jpg"), ContentFile(thumb)
    )
    return StoredPhoto(stored, name, hashlib.sha256(thumb).hexdigest())
