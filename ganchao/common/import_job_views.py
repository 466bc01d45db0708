"""The progress page of a background sheet import (common.import_jobs): polled by htmx every
two seconds; once the job is done it sends the user back to the import page with the outcome."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from ganchao.common.import_jobs import job_for

POLL_SECONDS = 2


def _back(request, job) -> str:
    page = job.page if url_has_allowed_host_and_scheme(job.page, allowed_hosts=None) else "/"
    return f"{page}?import_job={job.id}"


@login_required
@require_GET
def import_job(request, job_id: str):
    job = job_for(request.user, job_id)
    if job is None:
        raise Http404
    if job.state == "done":
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = _back(request, job)
            return response
        return redirect(_back(request, job))
    context = {"job": job, "poll": POLL_SECONDS, "page": job.page}
    if request.headers.get("HX-Request"):
        return render(request, "common/_import_job_status.html", context)
    return render(request, "common/import_job.html", context)
