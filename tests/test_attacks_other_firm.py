"""Another firm's Administrator searches for our things through every picker, list
search and export, and finds only their own.

Their firm has a customer and a project matching the same searches, so an empty
answer cannot pass for a safe one.
"""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from core.spreadsheets import XLSX
from projects.models import ProjectStatus

from .factories import CustomerFactory, ProjectFactory, TimeEntryFactory

OURS = ["Kari Nordmann", "Kari Inaktiv", "Kari Slettet", "Kari Kontakt", "Nytt bad"]
OURS += ["Bad ferdig", "Vårt arbeid", "Ingrid Berg", "Per Hansen", "Sofie Lie"]


@pytest.fixture
def firms(world):
    """Ours: customers in every state, a finished project, hours. Theirs: a customer
    and a project that match the same searches."""
    c = world.company
    CustomerFactory(company=c, name="Kari Inaktiv", is_active=False)
    CustomerFactory(company=c, name="Kari Slettet", deleted_at=timezone.now())
    ProjectFactory(company=c, name="Bad ferdig", customer=world.customer, status=ProjectStatus.DONE)
    world.entry.description = "Vårt arbeid"
    world.entry.save()
    theirs = CustomerFactory(company=world.other_company, name="Kari Fremmed")
    ProjectFactory(company=world.other_company, name="Bad fremmed", customer=theirs)
    TimeEntryFactory(user=world.other_admin, customer=theirs, description="Deres arbeid")
    return world


ALL_TIME = {"date_from": "2000-01-01", "date_to": "2100-12-31"}
# Around today, the hours' date: the longest Excel export still made in the request.
_TODAY = datetime.date.today()
A_MONTH = {
    "date_from": (_TODAY - datetime.timedelta(days=15)).isoformat(),
    "date_to": (_TODAY + datetime.timedelta(days=15)).isoformat(),
}


@pytest.mark.parametrize(
    ("name", "params", "theirs"),
    [
        ("customers:list", {"q": "kari"}, "Kari Fremmed"),
        ("customers:list", {"q": "kari", "status": "inactive"}, None),
        ("projects:list", {"q": "bad"}, "Bad fremmed"),
        ("projects:list", {"q": "kari"}, "Bad fremmed"),
        ("projects:list", {"q": "bad", "status": "done"}, None),
        ("projects:customer_options", {"q": "kari"}, "Kari Fremmed"),
        ("timesheets:customer_options", {"q": "kari"}, "Kari Fremmed"),
        ("timesheets:customer_options", {"q": "kari", "all": "1"}, "Kari Fremmed"),
        ("timesheets:project_options", {"q": "bad"}, "Bad fremmed"),
        ("timesheets:project_options", {"q": "bad", "all": "1"}, "Bad fremmed"),
        ("timesheets:overview", ALL_TIME, "Deres arbeid"),
        ("timesheets:overview", {**ALL_TIME, "group": "customer"}, "Kari Fremmed"),
        ("timesheets:overview", {**ALL_TIME, "group": "project"}, "Ola Nilsen"),
        ("timesheets:export_csv", ALL_TIME, "Deres arbeid"),
        ("timesheets:export_xlsx", A_MONTH, "Deres arbeid"),
        ("timesheets:export_xlsx", ALL_TIME, "Deres arbeid"),  # made by a job
        ("accounts:users", {}, "Ola Nilsen"),
        ("timesheets:week", {}, "Ola Nilsen"),
        ("projects:create", {}, "Kari Fremmed"),
        ("timesheets:entry_create", {}, "Kari Fremmed"),
    ],
    ids=lambda value: (
        "&".join(f"{k}={v}" for k, v in value.items()) if isinstance(value, dict) else None
    ),
)
def test_another_firms_admin_finds_only_their_own(firms, client_for, name, params, theirs):
    client = client_for(firms.other_admin)
    response = client.get(reverse(name), params)
    if response.status_code == 302:  # an export made by a job: its file, as they get it
        response = client.get(response["Location"] + "fil")

    assert response.status_code == 200
    text = read(response)
    for ours in OURS:
        assert ours not in text, f"{name} showed {ours!r} to another firm"
    if theirs:
        assert theirs in text, f"{name} found nothing at all: the check proves nothing"


def test_another_firms_admin_cannot_pre_select_our_objects(firms, client_for):
    client = client_for(firms.other_admin)
    for name, params in [
        ("timesheets:customer_field", {"customer": firms.customer.pk}),
        ("timesheets:customer_field", {"project": firms.project.pk}),
        ("projects:create", {"customer": firms.customer.pk}),
        ("timesheets:entry_create", {"date": datetime.date.today().isoformat()}),
    ]:
        response = client.get(reverse(name), params)
        assert response.status_code == 200
        for ours in OURS:
            assert ours not in read(response), f"{name} {params} showed {ours!r}"


def read(response):
    """The text of a page, a CSV download or every cell of an Excel download."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response["Content-Type"].startswith("text/csv"):
        return content.decode("utf-8-sig")
    if response["Content-Type"] != XLSX:
        return content.decode()
    book = openpyxl.load_workbook(io.BytesIO(content))
    return "\n".join(
        str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
    )
