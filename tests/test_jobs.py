"""Users' jobs (core.jobs): started from a request, run by the queue's task, shown on
their page with progress and then the file or the summary, to the user who asked only."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.permissions import Role
from core import jobs
from core import tasks as core_tasks
from core.models import Job
from core.queue import app
from customers.models import Customer
from timesheets.jobs import EXPORT_XLSX

from . import job_kinds
from .factories import CustomerFactory, JobFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _steps_emptied():
    yield
    job_kinds.DURING.clear()
    job_kinds.CRASHES.clear()


class WorkerKilled(Exception):
    """What a test raises where a worker would have died."""


def letters(user, text="abc"):
    return jobs.start("tests.letters", user=user, company=user.company, params={"text": text})


def import_names(user, names, **params):
    return jobs.start(
        "tests.import", user=user, company=user.company, params={"names": names, **params}
    )


def page_of(job):
    return reverse("core:job", args=[job.pk])


def file_of(job):
    return reverse("core:job_file", args=[job.pk])


def test_a_finished_job_offers_its_file_to_the_user_who_asked(world, client_for):
    job = letters(world.employee)
    client = client_for(world.employee)

    response = client.get(page_of(job))

    assert response.status_code == 200
    assert "Bokstaver" in response.text and "Ferdig" in response.text
    assert f'href="{file_of(job)}"' in response.text and "Last ned bokstaver.txt" in response.text
    download = client.get(file_of(job))
    assert download["Content-Type"] == "text/plain; charset=utf-8"
    assert download["Content-Disposition"] == 'attachment; filename="bokstaver.txt"'
    # Run in the user's language, in the firm's scope: one customer of ours, not the other's.
    assert download.content == b"ABC nb 1"


def test_a_job_runs_in_the_language_of_the_user_who_asked(world):
    world.employee.language = "en"
    world.employee.save()

    job = letters(world.employee)

    assert bytes(job.result).endswith(b" en 1")


def test_progress_shows_on_the_page_while_the_job_runs(world, client_for):
    client = client_for(world.employee)
    pages = []
    job_kinds.DURING.append(lambda job: pages.append(client.get(page_of(job)).text))

    letters(world.employee, "abcd")

    running = pages[1]
    assert "Jobben kjører" in running and "Teller bokstaver" in running
    assert 'max="4" value="2"' in running and "2 av 4" in running
    assert "Last ned" not in running


def test_the_page_of_a_running_job_polls_and_the_answer_for_a_finished_one_stops_it(
    world, client_for
):
    client = client_for(world.employee)
    polls = []
    job_kinds.DURING.append(lambda job: polls.append(client.get(page_of(job))))
    job = letters(world.employee, "a")

    running = polls[0]
    assert f'hx-get="{page_of(job)}"' in running.text and 'hx-trigger="every 1s"' in running.text
    assert f'href="{page_of(job)}"' in running.text  # without JavaScript: reload by hand
    finished = client.get(page_of(job), headers={"HX-Request": "true"})
    assert finished.status_code == 286  # htmx stops polling
    assert "<html" not in finished.text and "Last ned" in finished.text


@pytest.mark.parametrize("actor", ["admin", "employee2", "other_admin"])
def test_nobody_but_the_user_who_asked_finds_the_job(world, client_for, actor):
    job = JobFactory(user=world.employee)
    client = client_for(world.user(actor))

    assert client.get(page_of(job)).status_code == 404
    assert client.get(file_of(job)).status_code == 404


def test_an_expired_job_is_gone_for_its_user_too(world, client_for, clock):
    job = JobFactory(user=world.employee)
    client = client_for(world.employee)
    clock.advance(days=1, seconds=1)

    assert client.get(page_of(job)).status_code == 404
    assert client.get(file_of(job)).status_code == 404


def test_a_job_without_a_file_has_no_download(world, client_for):
    job = import_names(world.employee, ["Ny Kunde"])

    assert job.status == Job.Status.DONE and job.summary == {"created": 1}
    assert client_for(world.employee).get(file_of(job)).status_code == 404


def test_a_refused_job_fails_with_its_message_for_the_user(world, client_for):
    job = import_names(world.employee, ["Ny Kunde"], refuse="Filen har ingen kolonne «Navn».")

    assert job.status == Job.Status.FAILED and job.finished is not None
    response = client_for(world.employee).get(page_of(job))
    assert "Kunne ikke fullføres" in response.text
    assert "Filen har ingen kolonne «Navn»." in response.text


def test_a_refusal_is_not_retried(world, settings):
    settings.JOBS_RUN_AT_ONCE = False
    job = Job.objects.create(
        company=world.company,
        user=world.employee,
        kind="tests.import",
        params={"names": [], "refuse": "Nei."},
        expires=timezone.now() + jobs.KEEP,
    )

    jobs.run(job.pk, last_attempt=False)  # returns: the queue counts it as done

    job.refresh_from_db()
    assert (job.status, job.error) == (Job.Status.FAILED, "Nei.")


def test_an_error_is_retried_and_fails_the_job_with_a_general_message_after_the_last_try(world):
    job = Job.objects.create(
        company=world.company,
        user=world.employee,
        kind="tests.import",
        params={"names": ["Ny Kunde"]},
        expires=timezone.now() + jobs.KEEP,
    )
    job_kinds.CRASHES.extend([WorkerKilled(), WorkerKilled()])

    with pytest.raises(WorkerKilled):
        jobs.run(job.pk, last_attempt=False)
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING

    with pytest.raises(WorkerKilled):
        jobs.run(job.pk, last_attempt=True)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == "Jobben kunne ikke fullføres. Prøv igjen senere."


def test_a_job_killed_mid_way_is_retried_and_makes_its_customers_once(world):
    job = Job.objects.create(
        company=world.company,
        user=world.employee,
        kind="tests.import",
        params={"names": ["Anne", "Bjørn"]},
        expires=timezone.now() + jobs.KEEP,
    )
    job_kinds.CRASHES.append(WorkerKilled())

    with pytest.raises(WorkerKilled):
        jobs.run(job.pk, last_attempt=False)
    job.refresh_from_db()
    # Its progress was committed before the crash; its customers were not.
    assert (job.total, job.stage) == (2, "Leser filen")
    assert not Customer.objects.filter(name__in=["Anne", "Bjørn"]).exists()

    jobs.run(job.pk, last_attempt=False)  # the retry
    jobs.run(job.pk, last_attempt=False)  # killed after its commit, so run once more

    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.summary == {"created": 2}
    names = Customer.objects.filter(name__in=["Anne", "Bjørn"]).values_list("name", flat=True)
    assert sorted(names) == ["Anne", "Bjørn"]


def test_of_two_runs_of_one_job_at_once_only_the_first_to_finish_writes(world):
    job = Job.objects.create(
        company=world.company,
        user=world.employee,
        kind="tests.import",
        params={"names": ["Anne"]},
        expires=timezone.now() + jobs.KEEP,
    )
    # While this run creates its customer, the other run finishes the job.
    job_kinds.DURING.append(
        lambda running: Job.objects.filter(pk=running.pk).update(status=Job.Status.DONE)
    )

    jobs.run(job.pk, last_attempt=False)

    assert not Customer.objects.filter(name="Anne").exists()


def test_progress_is_not_reported_from_inside_the_jobs_own_transaction(world):
    job = jobs.start(
        "tests.report_in_transaction", user=world.employee, company=world.company, params={}
    )

    assert job.status == Job.Status.FAILED


def test_a_job_is_asked_for_in_the_users_own_firm_only(world):
    with pytest.raises(ValueError):
        jobs.start(
            "tests.letters", user=world.employee, company=world.other_company, params={"text": ""}
        )


def test_the_queue_task_is_deferred_when_the_transaction_commits(
    world, settings, django_capture_on_commit_callbacks
):
    settings.JOBS_RUN_AT_ONCE = False

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = letters(world.employee)
        assert job.status == Job.Status.QUEUED

    assert len(callbacks) == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT task_name, args->>'job_id' FROM procrastinate_jobs")
        assert cursor.fetchall() == [("core.run_job", str(job.pk))]


def test_the_same_job_asked_for_again_while_it_waits_is_that_job(world, settings):
    settings.JOBS_RUN_AT_ONCE = False
    first = letters(world.employee)

    assert letters(world.employee) == first
    assert letters(world.employee, text="other") != first
    assert letters(world.employee2) != first


def test_a_user_who_lost_the_kinds_permission_no_longer_finds_the_job(world, client_for):
    job = JobFactory(user=world.moderator, kind=EXPORT_XLSX, params={"query": ""})
    client = client_for(world.moderator)
    assert client.get(file_of(job)).status_code == 200

    world.moderator.role = Role.EMPLOYEE
    world.moderator.save(update_fields=["role"])

    assert client.get(page_of(job)).status_code == 404
    assert client.get(file_of(job)).status_code == 404


def test_expired_jobs_are_pruned_every_hour_and_the_others_kept(world, clock):
    JobFactory(user=world.employee)
    clock.advance(hours=12)
    kept = JobFactory(user=world.other_admin)
    clock.advance(hours=13)

    assert core_tasks.prune_jobs(timestamp=0) == 1

    assert list(Job.objects.values_list("pk", flat=True)) == [kept.pk]
    schedule = {p.task.name: p.cron for p in app.periodic_registry.periodic_tasks.values()}
    assert schedule["core.prune_jobs"] == "37 * * * *"


def test_platform_staff_list_the_jobs_in_the_admin_but_cannot_change_them(world, client_for):
    job = JobFactory(user=world.employee)
    client = client_for(UserFactory(company=None, is_staff=True, is_superuser=True))

    listing = client.get(reverse("admin:core_job_changelist"))
    assert listing.status_code == 200 and listing.context["cl"].result_count == 1
    detail = client.get(reverse("admin:core_job_change", args=[job.pk]))
    assert detail.status_code == 200 and "ABC" not in detail.text  # not the user's file
    assert client.get(reverse("admin:core_job_add")).status_code == 403


def test_a_worker_process_runs_a_job_and_its_user_downloads_the_file(
    transactional_db, world, settings, client_for
):
    settings.JOBS_RUN_AT_ONCE = False
    CustomerFactory(company=world.other_company)
    job = letters(world.employee, "hei")  # no transaction here: deferred at once
    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]
    worker = (
        "import django; django.setup(); import tests.job_kinds;"
        " from django.core.management import call_command;"
        " call_command('procrastinate', 'worker', '--one-shot')"
    )

    subprocess.run(
        [sys.executable, "-c", worker],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "svenn.settings"},
        check=True,
        timeout=60,
        capture_output=True,
    )

    job.refresh_from_db()
    assert job.status == Job.Status.DONE and (job.done, job.total) == (3, 3)
    assert client_for(world.employee).get(file_of(job)).content == b"HEI nb 1"
