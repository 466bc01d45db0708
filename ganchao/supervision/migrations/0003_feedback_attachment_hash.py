"""Feedback attachments join the one checked store: their SHA-256, checked type and size are
kept with the row. Existing attachments get their hash and size now when the file is there
(a missing file keeps an empty hash, which `ganchao files verify` reports); their type is
read from their first bytes, and anything not a known safe type is served as a plain
download (application/octet-stream)."""

import hashlib

import filetype
from django.db import migrations, models

CHUNK = 1024 * 1024
KNOWN = {
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
}


def _hash(storage, name):
    digest, size = hashlib.sha256(), 0
    with storage.open(name, "rb") as handle:
        head = handle.read(8192)
        digest.update(head)
        size += len(head)
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
    kind = filetype.guess(head)
    content_type = kind.mime if kind and kind.mime in KNOWN else "application/octet-stream"
    return digest.hexdigest(), size, content_type


def hash_existing(apps, schema_editor):
    from django.core.files.storage import default_storage

    MatterFeedback = apps.get_model("supervision", "MatterFeedback")
    rows = MatterFeedback.objects.exclude(attachment="").only("pk", "attachment")
    for row in rows.iterator(chunk_size=200):
        try:
            digest, size, content_type = _hash(default_storage, row.attachment.name)
        except (FileNotFoundError, OSError):
            continue
        MatterFeedback.objects.filter(pk=row.pk).update(
            attachment_sha256=digest, attachment_size=size, attachment_content_type=content_type
        )


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0002_matters"),
    ]

    operations = [
        migrations.AddField(
            model_name="matterfeedback",
            name="attachment_content_type",
            field=models.CharField(blank=True, max_length=100, verbose_name="附件类型"),
        ),
        migrations.AddField(
            model_name="matterfeedback",
            name="attachment_sha256",
            field=models.CharField(blank=True, max_length=64, verbose_name="附件SHA-256"),
        ),
        migrations.AddField(
            model_name="matterfeedback",
            name="attachment_size",
            field=models.PositiveBigIntegerField(
                blank=True, null=True, verbose_name="附件大小（字节）"
            ),
        ),
        migrations.RunPython(hash_existing, migrations.RunPython.noop),
    ]
