"""The queue's own upkeep (core/queue.py), and that of users' jobs (core/jobs.py)."""

from django.utils import timezone

from core import jobs
from core.queue import RETRY, app


@app.periodic(cron="* * * * *", periodic_id="retry_stalled_jobs")
@app.task(
    name="core.retry_stalled_jobs", queueing_lock="core.retry_stalled_jobs", pass_context=True
)
async def retry_stalled_jobs(context, timestamp):
    """Put back in the queue the jobs of a worker that died mid-job.

    A worker killed hard (SIGKILL, a lost machine) leaves its job in "doing"; it stops
    sending heartbeats, and after 30 s without one its jobs are stalled. Retrying them
    lets another worker run them again from the start, which is why tasks are idempotent."""
    manager = context.app.job_manager
    for job in await manager.get_stalled_jobs():
        await manager.retry_job(job)


@app.periodic(cron="37 * * * *", periodic_id="prune_jobs")
@app.task(name="core.prune_jobs", retry=RETRY)
def prune_jobs(timestamp):
    """Delete users' jobs past their ``expires`` (a day after finishing), files and all;
    their pages answer 404 from that moment anyway (core.jobs.get_job_for_user)."""
    return jobs.prune(before=timezone.now())
