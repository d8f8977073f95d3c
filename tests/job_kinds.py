"""Kinds of job for the tests of core.jobs (tests/test_jobs.py); the worker process of
its real-worker test imports them too.

``tests.letters`` makes a file one letter at a time, reporting each; ``tests.import``
creates customers in one transaction with its "done", as an import does. ``DURING`` holds
what a test runs at each step (a look at the page), ``CRASHES`` the exceptions the next
attempts raise after committing their progress (a worker killed mid-way).
"""

from django.db import transaction
from django.utils import translation

from core.jobs import JobRefused, register
from customers.models import Customer

DURING = []
CRASHES = []


@register("tests.letters", title="Bokstaver")
def letters(job, *, text):
    for done in range(1, len(text) + 1):
        job.report(done, total=len(text), stage="Teller bokstaver")
        for step in DURING:
            step(job)
    data = f"{text.upper()} {translation.get_language()} {Customer.objects.count()}"
    job.finish_file("bokstaver.txt", "text/plain; charset=utf-8", data.encode())


@register("tests.import", title="Import")
def import_names(job, *, names, refuse=None):
    if refuse:
        raise JobRefused(refuse)
    job.report(0, total=len(names), stage="Leser filen")
    with transaction.atomic():
        for name in names:
            Customer.objects.create(company=job.company, name=name, number=_next_number())
            for step in DURING:
                step(job)
        if CRASHES:
            raise CRASHES.pop(0)
        job.finish({"created": len(names)})


def _next_number():
    return (Customer.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1


@register("tests.report_in_transaction")
def report_in_transaction(job):
    with transaction.atomic():
        job.report(1, total=1)
