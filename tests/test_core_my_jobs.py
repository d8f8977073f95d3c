"""The user's own jobs ("Mine jobber", core:my_jobs): only theirs, newest first, paged,
with each job's status and download, polling while one waits or runs."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.permissions import Role
from core.models import Job
from core.views import JOBS_PAGE_SIZE
from timesheets.jobs import EXPORT_XLSX

from . import job_kinds  # noqa: F401  (registers the test kinds)
from .factories import JobFactory

LIST = reverse("core:my_jobs")


def file_of(job):
    return reverse("core:job_file", args=[job.pk])


def started_at(job, when):
    Job.objects.filter(pk=job.pk).update(created=when)


def test_the_list_shows_the_users_own_jobs_only(world, client_for):
    mine = JobFactory(user=world.employee, result_name="mine.txt")
    JobFactory(user=world.employee2, result_name="kollegaens.txt")
    JobFactory(user=world.other_admin, result_name="fremmed.txt")

    text = client_for(world.employee).get(LIST).text

    assert f'href="{mine.get_absolute_url()}"' in text and "Bokstaver" in text
    assert "Last ned mine.txt" in text
    assert "kollegaens.txt" not in text and "fremmed.txt" not in text
    assert text.count('class="job-row"') == 1


def test_each_job_shows_when_it_started_and_its_status_in_words(world, client_for):
    when = timezone.make_aware(datetime.datetime(2026, 3, 4, 9, 5))
    waiting = JobFactory(user=world.employee, status=Job.Status.QUEUED, done=0, total=0)
    started_at(waiting, when)
    JobFactory(user=world.employee, status=Job.Status.RUNNING, done=2, total=5, result_name="")
    JobFactory(user=world.employee, status=Job.Status.FAILED, error="Filen mangler Navn")
    JobFactory(user=world.employee)

    text = client_for(world.employee).get(LIST).text

    assert "04.03.2026 09:05" in text
    assert "Venter" in text
    assert "Kjører (2 av 5)" in text
    assert "Feilet: Filen mangler Navn" in text
    assert "Ferdig" in text


def test_a_download_is_offered_for_a_finished_job_with_a_file_only(world, client_for):
    with_file = JobFactory(user=world.employee)
    without = JobFactory(user=world.employee, result_name="", result=None, kind="tests.import")
    failed = JobFactory(user=world.employee, status=Job.Status.FAILED, error="Nei")
    running = JobFactory(user=world.employee, status=Job.Status.RUNNING, done=1)

    text = client_for(world.employee).get(LIST).text

    assert f'href="{file_of(with_file)}"' in text
    assert text.count("Last ned") == 1
    for job in (without, failed, running):
        assert file_of(job) not in text
        assert f'href="{job.get_absolute_url()}"' in text


def test_a_job_of_a_kind_the_user_may_no_longer_see_is_left_out(world, client_for):
    export = JobFactory(user=world.moderator, kind=EXPORT_XLSX, params={"query": ""})
    other = JobFactory(user=world.moderator)
    client = client_for(world.moderator)
    assert file_of(export) in client.get(LIST).text

    world.moderator.role = Role.EMPLOYEE
    world.moderator.save(update_fields=["role"])

    text = client.get(LIST).text
    assert export.get_absolute_url() not in text and "Excel" not in text
    assert file_of(other) in text


def test_an_expired_job_is_not_listed(world, client_for, clock):
    job = JobFactory(user=world.employee)
    clock.advance(days=1, seconds=1)

    assert job.get_absolute_url() not in client_for(world.employee).get(LIST).text


def test_the_list_is_newest_first_and_paged(world, client_for):
    start = timezone.now() - datetime.timedelta(hours=1)
    made = []
    for minute in range(JOBS_PAGE_SIZE + 1):
        job = JobFactory(user=world.employee)
        started_at(job, start + datetime.timedelta(minutes=minute))
        made.append(job)
    client = client_for(world.employee)

    first = client.get(LIST).text
    second = client.get(LIST, {"page": 2}).text

    assert first.count('class="job-row"') == JOBS_PAGE_SIZE
    assert first.index(str(made[-1].pk)) < first.index(str(made[-2].pk))
    assert str(made[0].pk) not in first and "Side 1 av 2" in first
    assert second.count('class="job-row"') == 1 and str(made[0].pk) in second


def test_the_list_polls_while_a_job_waits_or_runs_and_stops_when_none_does(world, client_for):
    job = JobFactory(user=world.employee, status=Job.Status.RUNNING, done=1)
    client = client_for(world.employee)

    running = client.get(LIST)
    assert f'hx-get="{LIST}"' in running.text and 'hx-trigger="every 3s"' in running.text
    assert f'href="{LIST}">Oppdater</a>' in running.text  # without JavaScript
    still = client.get(LIST, headers={"HX-Request": "true"})
    assert still.status_code == 200 and "<html" not in still.text

    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE)
    done = client.get(LIST, headers={"HX-Request": "true"})
    assert done.status_code == 286  # htmx stops polling
    assert "Ferdig" in done.text
    page = client.get(LIST).text
    assert "hx-trigger" not in page and "Oppdater" not in page


@pytest.mark.parametrize("actor", ["admin", "moderator", "employee", "other_admin"])
def test_every_role_lists_its_own_jobs(world, client_for, actor):
    user = world.user(actor)
    job = JobFactory(user=user)

    response = client_for(user).get(LIST)

    assert response.status_code == 200
    assert "Mine jobber" in response.text and file_of(job) in response.text


def test_the_menu_and_a_jobs_page_link_to_the_list(world, client_for):
    job = JobFactory(user=world.employee)
    client = client_for(world.employee)

    assert f'href="{LIST}">Mine jobber</a>' in client.get(reverse("home"), follow=True).text
    assert f'href="{LIST}">Alle mine jobber</a>' in client.get(job.get_absolute_url()).text


@pytest.mark.parametrize("count", [1, 30])
def test_the_list_asks_the_same_few_queries_for_one_job_or_many(
    world, client_for, django_assert_num_queries, count
):
    for _ in range(count):
        JobFactory(user=world.employee, status=Job.Status.RUNNING, done=1)
    client = client_for(world.employee)
    client.get(LIST)

    with django_assert_num_queries(QUERIES):
        response = client.get(LIST)

    assert response.text.count('class="job-row"') == min(count, JOBS_PAGE_SIZE)


# The session and its user, the count of the list, its page of jobs, the header's timer.
QUERIES = 5
