from huey.contrib.djhuey import db_task

from .models import Job


@db_task()
def execute_job(job_id: int) -> None:
    from .runner import execute

    job = Job.objects.filter(pk=job_id).first()
    if job is not None and job.status == Job.Status.QUEUED:
        execute(job)
