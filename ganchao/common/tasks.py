"""Background jobs of the common layer: a large sheet import (common.import_jobs)."""

from django_tasks import task

from ganchao.common.import_jobs import job_run


@task()
def run_import_job(job_id: str) -> None:
    job_run(job_id)
