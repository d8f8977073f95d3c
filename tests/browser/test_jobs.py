"""A job's page in Chromium (core.jobs): the progress bar while the job runs, which
turns into the download without a reload (which takes the focus), and then stops
asking."""

from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from core.models import Job

from ..factories import JobFactory


def test_the_page_follows_a_running_job_to_its_download(demo, page, login, live_server, axe):
    employee = User.objects.get(email="ansatt@demo.no")
    job = JobFactory(
        user=employee, status=Job.Status.RUNNING, done=1, total=3, stage="Teller bokstaver"
    )
    job.result_name, job.result = "", None
    job.save()
    login("ansatt@demo.no")
    page.goto(f"{live_server.url}{job.get_absolute_url()}")

    expect(
        page.get_by_role("progressbar", name="Jobben kjører … Teller bokstaver")
    ).to_have_attribute("value", "1")
    expect(page.get_by_text("1 av 3")).to_be_visible()
    axe(page)
    page.wait_for_timeout(1500)  # a poll or two: the progress does not take the focus
    assert page.evaluate("() => document.activeElement === document.body")
    polls = []
    page.on("request", lambda request: polls.append(request.url))

    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.DONE,
        done=3,
        result_name="bokstaver.txt",
        result=b"ABC",
        finished=timezone.now(),
    )

    expect(page.get_by_role("link", name="Last ned bokstaver.txt")).to_be_focused()
    expect(page.get_by_text("Ferdig")).to_be_visible()
    axe(page)
    asked = len(polls)
    page.wait_for_timeout(2500)
    assert len(polls) == asked  # the answer for the finished job stopped the polling
