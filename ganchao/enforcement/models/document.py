"""The replaceable .docx template of the decision document (B12): the office may upload its
own, which must render in the sandbox before it is accepted; the latest active row is used,
none active means the built-in template."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentTemplate(models.Model):
    """An uploaded decision-document template, kept with its SHA-256 (re-verified on use)."""

    file = models.FileField(upload_to="enforcement/templates/", max_length=200)
    original_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("行政处罚决定书模板")

    def __str__(self) -> str:
        return self.original_name
