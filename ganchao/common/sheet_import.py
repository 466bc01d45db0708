"""The upload → preview → confirm pages every sheet import shares (units, goals, reports, the
problem ledger).

A page describes itself once, as a `SheetImportPage` (its template, upload form and the message
shown after a confirmed import), and its two views hand over what differs per request: the
import as `run(data=…, filename=…, dry_run=…)` (common.uploads), the upload page's address, and
any extra template context. Nothing is written before the confirm; a large sheet goes to a
background job and comes back to the upload page with `?import_job=<id>`.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render

from ganchao.common.uploads import (
    SheetUploadForm,
    finished_import,
    preview_context,
    sheet_confirm,
    sheet_preview,
)


@dataclass(frozen=True)
class SheetImportPage:
    """One import page. `done_message` is a (lazy) translatable string with `%(summary)s`."""

    template: str
    done_message: str
    form_class: type[SheetUploadForm] = SheetUploadForm

    def upload(self, request, run, page: str, extra: dict | None = None) -> HttpResponseBase:
        """GET: the empty form, or a background job's outcome; POST: the preview of the file."""
        bound = request.method == "POST"
        files = request.FILES if bound else None
        form = self.form_class(request.POST if bound else None, files)
        context = {"form": form, **(extra or {})}
        if not bound and (finished := finished_import(request)):  # a background job's outcome
            result, filename, dry_run = finished
            if not dry_run:
                return self._confirmed(request, page, extra, result, filename)
            context.update(preview_context(result, filename))
        if bound and form.is_valid():
            upload = form.cleaned_data["file"]
            result = sheet_preview(upload, run, request)
            if isinstance(result, HttpResponseBase):  # a large sheet: checked by a background job
                return result
            context.update(preview_context(result, upload.name))
            context["form"] = self.form_class()
        return render(request, self.template, context)

    def confirm(self, request, run, page: str, extra: dict | None = None) -> HttpResponseBase:
        """POST: import the previewed file (kept by its digest), then back to the upload page."""
        confirmed = sheet_confirm(request, run, page)
        if confirmed is None:
            return redirect(page)
        if isinstance(confirmed, HttpResponseBase):  # a large sheet: imported by a background job
            return confirmed
        return self._confirmed(request, page, extra, *confirmed)

    def _confirmed(self, request, page, extra, result, filename) -> HttpResponse:
        """Errors here mean the data changed since the preview (nothing was written)."""
        if result.errors:
            context = {"form": self.form_class(), **(extra or {}), "changed_since_preview": True}
            context.update(preview_context(result, filename))
            return render(request, self.template, context)
        summary = "；".join(result.summary_lines())
        messages.success(request, str(self.done_message) % {"summary": summary})
        return redirect(page)
