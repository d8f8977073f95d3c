"""The work queue (core/queue.py): the daily clean-ups run as periodic tasks, and a real
worker process takes a deferred job from PostgreSQL."""

import datetime
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from asgiref.sync import async_to_sync
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts import tasks
from accounts.models import SecurityEvent, Session
from accounts.security_log import Kind
from core import tasks as core_tasks
from core.queue import app

from .factories import UserFactory
from .test_security_log import event_at

ROOT = Path(__file__).resolve().parent.parent


def old_and_new_events(world, settings):
    settings.SECURITY_LOG_RETENTION_DAYS = 30
    now = timezone.now()
    old = event_at(world.other_company, Kind.SIGNED_IN, now - datetime.timedelta(days=31))
    kept = event_at(world.company, Kind.SIGNED_IN, now - datetime.timedelta(days=29))
    return old, kept


def test_both_clean_ups_are_scheduled_daily():
    schedule = {
        periodic.task.name: periodic.cron
        for periodic in app.periodic_registry.periodic_tasks.values()
    }

    assert schedule["accounts.prune_security_log"] == "17 3 * * *"
    assert schedule["accounts.clear_sessions"] == "27 3 * * *"
    assert schedule["core.retry_stalled_jobs"] == "* * * * *"


def test_the_prune_task_deletes_the_events_past_retention_and_again_nothing(world, settings):
    old, kept = old_and_new_events(world, settings)

    assert tasks.prune_security_log(timestamp=0) == 1
    assert tasks.prune_security_log(timestamp=0) == 0

    assert list(SecurityEvent.objects.values_list("pk", flat=True)) == [kept.pk]


def test_the_session_task_deletes_expired_sessions_only(db):
    now = timezone.now()
    Session.objects.create(
        session_key="a" * 32, session_data="", expire_date=now - datetime.timedelta(seconds=1)
    )
    Session.objects.create(
        session_key="b" * 32, session_data="", expire_date=now + datetime.timedelta(days=1)
    )

    tasks.clear_sessions(timestamp=0)
    tasks.clear_sessions(timestamp=0)

    assert list(Session.objects.values_list("session_key", flat=True)) == ["b" * 32]


def test_a_worker_process_runs_a_job_deferred_in_postgresql(transactional_db, world, settings):
    old, kept = old_and_new_events(world, settings)
    job_id = tasks.prune_security_log.defer(timestamp=0)
    # The worker is another process on this test's database, with the same retention.
    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]
    env = {**os.environ, "DATABASE_URL": url, "SECURITY_LOG_RETENTION_DAYS": "30"}

    subprocess.run(
        [sys.executable, "manage.py", "procrastinate", "worker", "--one-shot"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=60,
        capture_output=True,
    )

    assert list(SecurityEvent.objects.values_list("pk", flat=True)) == [kept.pk]
    with connection.cursor() as cursor:  # done, so deleted (PROCRASTINATE_WORKER_DEFAULTS)
        cursor.execute("SELECT count(*) FROM procrastinate_jobs WHERE id = %s", [job_id])
        assert cursor.fetchone() == (0,)


def job_status(job_id):
    with connection.cursor() as cursor:
        cursor.execute("SELECT status FROM procrastinate_jobs WHERE id = %s", [job_id])
        return cursor.fetchone()[0]


def test_the_job_of_a_worker_that_died_goes_back_in_the_queue(db):
    job_id = tasks.clear_sessions.defer(timestamp=0)
    with connection.cursor() as cursor:
        # Taken by a worker whose last heartbeat is a minute old: killed mid-job.
        cursor.execute(
            "INSERT INTO procrastinate_workers (last_heartbeat)"
            " VALUES (now() - interval '1 minute') RETURNING id"
        )
        cursor.execute(
            "UPDATE procrastinate_jobs SET status = 'doing', worker_id = %s WHERE id = %s",
            [cursor.fetchone()[0], job_id],
        )

    # async_to_sync runs the queue's database calls on this thread, in the test's transaction.
    async_to_sync(core_tasks.retry_stalled_jobs.func)(SimpleNamespace(app=app), timestamp=0)

    assert job_status(job_id) == "todo"


def test_a_running_job_of_a_live_worker_stays_with_it(db):
    job_id = tasks.clear_sessions.defer(timestamp=0)
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO procrastinate_workers DEFAULT VALUES RETURNING id")
        cursor.execute(
            "UPDATE procrastinate_jobs SET status = 'doing', worker_id = %s WHERE id = %s",
            [cursor.fetchone()[0], job_id],
        )

    async_to_sync(core_tasks.retry_stalled_jobs.func)(SimpleNamespace(app=app), timestamp=0)

    assert job_status(job_id) == "doing"


def test_platform_staff_read_the_jobs_in_the_admin_but_cannot_change_them(db, client_for):
    tasks.clear_sessions.defer(timestamp=0)
    client = client_for(UserFactory(company=None, is_staff=True, is_superuser=True))

    response = client.get(reverse("admin:procrastinate_procrastinatejob_changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert client.get(reverse("admin:procrastinate_procrastinatejob_add")).status_code == 403
