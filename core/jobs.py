"""Long work a user asks for, run by the work queue's workers (core/queue.py), with a
page that shows its progress and then its result (docs/architecture.md, "Jobs").

A kind of job is a function registered under a name, in its app's ``jobs.py``::

    @register("customers.import", title=_("Customer import"), template="customers/import_done.html")
    def run(job, *, upload):
        for done, row in enumerate(rows, 1):
            job.report(done, total, stage=_("Reading the file"))   # committed at once
        with transaction.atomic():
            ...                                   # the job's writes
            job.finish({"created": 12})           # in the same transaction: done once

``start(kind, user=..., company=..., params=...)`` creates the ``Job`` row and defers the one
queue task ``core.run_job`` when the transaction commits; the user is sent to its page
(``core:job``). The function runs in the job's firm scope, in the user's language.
"""

import logging
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_scopes import scopes_disabled

from .headroom import with_headroom
from .models import Job
from .queue import RETRY, app
from .tenancy import firm_scope

__all__ = [
    "Job",
    "JobRefused",
    "get_job_for_user",
    "jobs_of_user",
    "kind_of",
    "prune",
    "register",
    "start",
]

logger = logging.getLogger(__name__)

# A result is kept for a day after the job finishes, then deleted (core.prune_jobs).
KEEP = timedelta(days=1)
# A job that never finishes (its queue job was deleted by hand) goes after a week.
KEEP_UNFINISHED = timedelta(days=7)


class JobRefused(Exception):
    """Raised by a job function for a failure the user can act on (a wrong file, a
    period with nothing in it): the job fails at once with ``message``, not retried."""

    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)


class AlreadyFinished(Exception):
    """Raised by ``finish`` when the job is finished already: a second run of the same job
    (a worker thought dead that was not) must not produce the result again."""


@dataclass(frozen=True)
class Kind:
    name: str
    run: object
    title: str
    template: str | None
    on_download: object
    permission: str | None

    def allows(self, user):
        """Whether ``user`` may see a job of this kind and its file: the kind's
        ``permission``, when it has one (the job's page and the list of one's jobs)."""
        return self.permission is None or user.has_perm(self.permission)

    def downloaded(self, request, job):
        if self.on_download is not None:
            self.on_download(request, job)


KINDS = {}


def register(kind, *, title=None, template=None, on_download=None, permission=None):
    """Register the decorated function as the job ``kind``; it is called as
    ``run(job, **params)``.

    ``title`` heads the job's page; ``template`` renders a finished job's ``summary``
    (with ``job`` in its context) for jobs that make no file; ``on_download(request, job)``
    is called each time the user downloads the file (e.g. to write the security log);
    ``permission``, when given, is needed to see the job and its file as well as to
    start it, so a user who lost it (a Moderator made Ansatt) gets a 404, not the file.
    """

    def decorate(func):
        if kind in KINDS:
            raise ValueError(f"The job kind {kind!r} is registered twice")
        KINDS[kind] = Kind(
            kind, func, title or gettext_lazy("Job"), template, on_download, permission
        )
        return func

    return decorate


def kind_of(job):
    return KINDS.get(job.kind) or Kind(job.kind, None, gettext_lazy("Job"), None, None, None)


def start(kind, *, user, company, params, total=0):
    """Create the job of ``user`` and queue it; returns the ``Job`` (its page is
    ``job.get_absolute_url()``). ``params`` must be JSON: ids and ISO dates, not objects.

    The queue job is deferred when the current transaction commits, so a worker never
    looks for a row that is not there yet. With ``JOBS_RUN_AT_ONCE`` (the tests) the
    job runs here, before this returns, as its one and last attempt.
    """
    if kind not in KINDS:
        raise LookupError(f"No job kind {kind!r} is registered")
    if user.company_id != company.pk:
        raise ValueError("A job is asked for by a user of its own firm")
    # The same job asked for again while it runs (a reload, a second click) is that job:
    # one export of everyone's hours at a time, not one per click.
    running = Job.objects.filter(
        user=user, kind=kind, params=params, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]
    ).first()
    if running is not None:
        return running
    job = Job(
        company=company,
        user=user,
        kind=kind,
        params=params,
        total=total,
        expires=timezone.now() + KEEP_UNFINISHED,
    )
    job.save()
    if settings.JOBS_RUN_AT_ONCE:
        try:
            run(job.pk, last_attempt=True)
        except Exception:
            logger.exception("Job %s (%s) failed", job.pk, kind)
        job.refresh_from_db()
    else:
        transaction.on_commit(lambda: run_job.defer(job_id=str(job.pk)))
    return job


@app.task(name="core.run_job", retry=RETRY, pass_context=True)
def run_job(context, job_id):
    """The queue's one task for every kind of job. A retry after a failure or a worker
    that died runs the job again; one that finished meanwhile is skipped."""
    # ``attempts`` counts the tries before this one; RETRY gives up after max_attempts.
    run(job_id, last_attempt=context.job.attempts >= RETRY.max_attempts)


def run(job_id, *, last_attempt):
    """Run the job ``job_id`` unless it is finished (or gone). A ``JobRefused`` fails it
    with its message; any other exception is raised for the queue to retry, and fails
    the job with a general message on the ``last_attempt``."""
    with scopes_disabled():
        job = Job.objects.select_related("user", "company").filter(pk=job_id).first()
    if job is None or job.is_finished:
        return
    kind = KINDS.get(job.kind)
    language = job.user.language or settings.LANGUAGE_CODE
    with firm_scope(job.company), translation.override(language):
        if kind is None:
            logger.error("Job %s has the kind %r, which is not registered", job.pk, job.kind)
            _fail(job, _("This kind of job is no longer available."))
            return
        job.status = Job.Status.RUNNING
        job.save(update_fields=["status"])
        # What report() checks against: deeper than this is the job's own transaction.
        job.atomic_depth = len(connection.atomic_blocks)
        try:
            with_headroom(kind.run, job, **job.params)
        except JobRefused as refused:
            _fail(job, refused.message)
            return
        except AlreadyFinished:
            logger.warning("Job %s was finished by another run; this one is undone", job.pk)
            return
        except Exception:
            if last_attempt:
                _fail(job, _("The job could not be finished. Try again later."))
            raise
        if job.status != Job.Status.DONE:
            finish(job, {})


def report(job, done, total=None, stage=None):
    """Record the job's progress and commit it at once, so its page shows it while the
    job runs. Called inside a ``transaction.atomic()`` of the job's it could not commit,
    and the page would see nothing: that raises ``RuntimeError``."""
    if len(connection.atomic_blocks) > getattr(job, "atomic_depth", 0):
        raise RuntimeError("job.report() inside transaction.atomic(): call it outside, to commit")
    job.done = done
    fields = ["done"]
    if total is not None:
        job.total = total
        fields.append("total")
    if stage is not None:
        job.stage = str(stage)
        fields.append("stage")
    job.save(update_fields=fields)


def finish(job, summary):
    """Mark the job done with ``summary`` (JSON, shown by the kind's template). Call it
    inside the transaction of the job's writes: then the writes and "done" commit
    together, and a retry of a job that got that far finds it done and does nothing."""
    _close(job, status=Job.Status.DONE, summary=summary)


def finish_file(job, name, content_type, data):
    """Mark the job done with the file ``data`` (bytes) for the user to download as
    ``name``; as ``finish``, inside the transaction of any writes that go with it."""
    _close(
        job,
        status=Job.Status.DONE,
        result_name=name,
        result_type=content_type,
        result=bytes(data),
    )


def _fail(job, message):
    with suppress(AlreadyFinished):  # another run finished it: its result stands
        _close(job, status=Job.Status.FAILED, error=str(message))


def _close(job, **fields):
    with transaction.atomic():
        # Locked: of two runs of one job (a worker wrongly thought dead), one finishes it.
        current = Job._base_manager.select_for_update().only("status").get(pk=job.pk)
        if current.is_finished:
            raise AlreadyFinished(job.pk)
        now = timezone.now()
        if fields["status"] == Job.Status.DONE:
            # Done is all of it; a failed job keeps how far it got.
            fields.update(done=max(job.done, job.total), stage="")
        for name, value in {**fields, "finished": now, "expires": now + KEEP}.items():
            setattr(job, name, value)
        job.save()


def get_job_for_user(request, pk, *, with_file=False):
    """The job ``pk`` if the request's user asked for it and it has not expired; anything
    else (another user's, another firm's, expired) is a 404. The file is read only
    ``with_file``: the page that polls every second does not need it."""
    jobs = Job.objects.filter(user=request.user, expires__gt=timezone.now())
    if not with_file:
        jobs = jobs.defer("result")
    job = get_object_or_404(jobs, pk=pk)
    if not kind_of(job).allows(request.user):
        raise Http404
    return job


def jobs_of_user(user):
    """The jobs of ``user`` that ``get_job_for_user`` would give them, newest first,
    without their files: not expired, and none of a kind whose permission they lost
    (its page is a 404, so the list leaves it out)."""
    refused = [name for name, kind in KINDS.items() if not kind.allows(user)]
    return (
        Job.objects.filter(user=user, expires__gt=timezone.now())
        .exclude(kind__in=refused)
        .defer("result")
        .order_by("-created", "-pk")
    )


def prune(*, before):
    """Delete every firm's jobs that expired before ``before``; returns how many."""
    with scopes_disabled():
        return Job.objects.filter(expires__lt=before).delete()[0]
