import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts import security_log
from accounts.models import SecurityEvent
from accounts.security_log import Kind
from customers.exports import HEADERS
from customers.models import CustomerKind, search_key

from .downloads import streamed
from .factories import ContactPersonFactory, CustomerFactory

CSV, XLSX = reverse("customers:export_csv"), reverse("customers:export_xlsx")


def customer(world, name, **fields):
    return CustomerFactory(company=world.company, name=name, search_text=search_key(name), **fields)


@pytest.fixture
def bakery(world):
    """A customer with every field of the card filled in, and two contact persons."""
    found = customer(
        world,
        "Bakeriet på Hjørnet AS",
        number=1042,
        org_number="923609016",
        email="post@bakeriet.no",
        phone="+4791234567",
        address="Storgata 1",
        postal_code="0155",
        postal_place="Oslo",
        invoice_address="faktura@bakeriet.no",
        note="Nøkkel hos naboen; ring først",
    )
    ContactPersonFactory(
        customer=found,
        name="Åse Ødegård",
        title="Daglig leder",
        phone="+4741234567",
        email="ase@bakeriet.no",
    )
    ContactPersonFactory(customer=found, name="Nummer To")
    return found


# As Excel shows it; the CSV puts an apostrophe before the phone numbers' "+".
BAKERY_ROW = [
    "1042",
    "Bakeriet på Hjørnet AS",
    "Bedrift",
    "923609016",
    "post@bakeriet.no",
    "+47 91 23 45 67",
    "Storgata 1",
    "0155",
    "Oslo",
    "faktura@bakeriet.no",
    "Nøkkel hos naboen; ring først",
    "Aktiv",
    "Åse Ødegård",
    "Daglig leder",
    "+47 41 23 45 67",
    "ase@bakeriet.no",
]


def read(response):
    assert response.status_code == 200
    return streamed(response)


def csv_body(response):
    return read(response)


def csv_rows(response):
    return list(csv.reader(io.StringIO(csv_body(response).decode("utf-8-sig")), delimiter=";"))


def xlsx_rows(response):
    book = openpyxl.load_workbook(io.BytesIO(read(response)))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def test_csv_is_utf8_with_a_bom_semicolons_and_the_norwegian_headers(world, bakery, client_for):
    body = csv_body(client_for(world.admin).get(CSV, {"q": "bakeriet"}))

    assert body.startswith("\ufeff".encode())
    assert body.decode("utf-8-sig").splitlines()[0] == ";".join(HEADERS)
    assert "Hjørnet".encode() in body  # UTF-8, not an escaped or Windows-1252 ø


def test_a_search_exports_every_card_field_and_the_first_contact_in_both_formats(
    world, bakery, client_for
):
    customer(world, "Snekker Hansen", kind=CustomerKind.PERSON)
    client = client_for(world.moderator)

    in_csv = [f"'{cell}" if cell.startswith("+") else cell for cell in BAKERY_ROW]
    assert csv_rows(client.get(CSV, {"q": "hjornet"})) == [HEADERS, in_csv]
    rows = xlsx_rows(client.get(XLSX, {"q": "hjornet"}))
    assert rows[0] == HEADERS
    assert rows[1:] == [[1042, *BAKERY_ROW[1:]]]
    assert isinstance(rows[1][0], int)


def test_the_inactive_tab_exports_its_customers_only_with_empty_cells_left_empty(
    world, bakery, client_for
):
    customer(world, "Ølbryggeriet Æbler", number=7, is_active=False, kind=CustomerKind.PERSON)
    client = client_for(world.admin)
    expected = ["7", "Ølbryggeriet Æbler", "Privatperson"] + [""] * 8 + ["Inaktiv"] + [""] * 4

    assert csv_rows(client.get(CSV, {"status": "inactive"}))[1:] == [expected]
    rows = xlsx_rows(client.get(XLSX, {"status": "inactive"}))
    assert rows[1:] == [[7, *(cell or None for cell in expected[1:])]]


def test_the_export_follows_the_list_order(world, client_for):
    for number, name in [(3, "Bravo"), (1, "Charlie"), (2, "Alfa")]:
        customer(world, name, number=number)
    client = client_for(world.admin)

    names = [row[1] for row in csv_rows(client.get(CSV))[1:]]
    numbers = [row[0] for row in csv_rows(client.get(CSV, {"sort": "-number"}))[1:]]

    assert names == ["Alfa", "Bravo", "Charlie", "Kari Nordmann"]
    assert numbers[:3] == sorted(numbers, key=int, reverse=True)[:3]


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)"])
def test_cells_that_start_a_formula_are_text_in_both_formats(world, client_for, text):
    customer(world, "Formel", note=text, invoice_address=text)
    client = client_for(world.admin)

    row = csv_rows(client.get(CSV, {"q": "formel"}))[1]
    assert row[9] == row[10] == "'" + text
    book = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get(XLSX, {"q": "formel"}).streaming_content))
    )
    cell = book.active["K2"]
    assert (cell.value, cell.data_type) == (text, "s")  # a string, never a formula


def test_another_firms_customers_never_appear(world, client_for):
    client = client_for(world.admin)

    names = [row[1] for row in csv_rows(client.get(CSV))[1:]]
    names += [row[1] for row in xlsx_rows(client.get(XLSX))[1:]]

    assert "Kari Nordmann" in names and "Fremmed Kunde" not in names


@pytest.mark.parametrize("url", [CSV, XLSX])
def test_an_employee_may_not_export_the_customers(world, client_for, url):
    assert client_for(world.employee).get(url).status_code == 403
    assert not SecurityEvent.objects.filter(kind=Kind.EXPORTED).exists()


def test_the_export_is_in_the_security_log_with_its_tab_and_search(world, client_for):
    response = client_for(world.moderator).get(XLSX, {"status": "inactive", "q": " kari "})
    assert response.status_code == 200

    event = SecurityEvent.objects.get(company=world.company, kind=Kind.EXPORTED)
    assert event.actor == world.moderator
    assert event.detail == {"format": "xlsx", "customers": "inactive", "search": "kari"}
    with translation.override("en"):
        assert security_log.describe(event) == "XLSX · customers inactive · search kari"


def test_an_export_without_a_search_logs_its_tab_only(world, client_for):
    client_for(world.admin).get(CSV)

    event = SecurityEvent.objects.get(company=world.company, kind=Kind.EXPORTED)
    assert event.detail == {"format": "csv", "customers": "active"}


def export_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        b"".join(response.streaming_content)
    return len(queries)


@pytest.mark.parametrize("url", [CSV, XLSX])
def test_the_queries_do_not_grow_with_the_number_of_customers(world, client_for, url):
    client = client_for(world.admin)
    client.get(reverse("customers:list"))  # warm up the session
    for _ in range(2):
        ContactPersonFactory(customer=customer(world, "Kunde"))
    few = export_queries(client, url)  # 3 customers with Kari Nordmann

    for _ in range(27):
        ContactPersonFactory(customer=customer(world, "Kunde"))
    assert export_queries(client, url) == few  # 30


def test_the_list_links_to_the_export_of_its_tab_and_search(world, client_for):
    response = client_for(world.admin).get(
        reverse("customers:list"), {"status": "inactive", "q": "kari", "page": "2"}
    )

    assert f'href="{CSV}?status=inactive&amp;q=kari"' in response.text
    assert f'href="{XLSX}?status=inactive&amp;q=kari"' in response.text
