"""Celery tasks: thin wrappers that take an import's id and call its service."""

from celery import shared_task

from dataio.services import jobs

# A 100,000-row file checks and imports in about a minute; the limits leave room for a busy
# database without letting a stuck import hold a worker for ever.


@shared_task(soft_time_limit=900, time_limit=960)
def check_import_job_task(job_id: int) -> None:
    jobs.check_import_job(job_id=job_id)


@shared_task(soft_time_limit=900, time_limit=960)
def run_import_job_task(job_id: int) -> None:
    jobs.run_import_job(job_id=job_id)
