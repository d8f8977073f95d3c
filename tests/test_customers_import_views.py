"""'Importer kunder' in the browser's steps: upload, columns, check, import, result (the
jobs run at once in tests); the export read back; and files of anything at all."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.permissions import Role
from core.models import Job
from customers.models import ContactPerson, Customer, CustomerImport, CustomerKind, search_key

from .downloads import streamed
from .factories import CompanyFactory, ContactPersonFactory, CustomerFactory, UserFactory
from .imports import csv_bytes, org_number, upload, xlsx_bytes

IMPORT = reverse("customers:import")
ROWS = [
    ["Kundenr", "Kundenavn", "Org.nr.", "Telefon", "Postnr"],
    ["501", "Bakeriet på Hjørnet AS", org_number(92360901), "22 33 44 55", "0155"],
    ["502", "Feil Nummer AS", "923609017", "41234567", "0150"],
    ["503", "Rørleggeren", "", "912 34 567", "1430"],
]


def uploaded(data, name="kunder.csv"):
    return SimpleUploadedFile(name, data, "application/octet-stream")


def send_file(client, data, name="kunder.csv"):
    return client.post(IMPORT, {"file": uploaded(data, name)})


def mapping_of(response):
    form = response.context["form"]
    return {name: form[name].value() for name in form.columns}


def start(client, pk, action="check", **choices):
    page = client.get(reverse("customers:import_mapping", args=[pk]))
    data = {**mapping_of(page), "on_duplicate": "skip", **choices, action: "1"}
    return client.post(reverse("customers:import_mapping", args=[pk]), data)


def test_the_customer_list_links_to_the_import(world, client_for):
    page = client_for(world.moderator).get(reverse("customers:list"))
    assert f'href="{IMPORT}"' in page.content.decode()
    employee = client_for(world.employee).get(reverse("customers:list"))
    assert employee.status_code == 403


def test_an_upload_shows_each_column_with_its_field_chosen_and_the_first_rows(world, client_for):
    client = client_for(world.admin)

    response = send_file(client, csv_bytes(ROWS, encoding="cp1252"))

    stored = CustomerImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:import_mapping", args=[stored.pk])
    page = client.get(response["Location"])
    assert mapping_of(page) == {
        "column_0": "number",
        "column_1": "name",
        "column_2": "org_number",
        "column_3": "phone",
        "column_4": "postal_code",
    }
    html = page.content.decode()
    assert "Bakeriet på Hjørnet AS" in html and "Rørleggeren" in html
    assert '<option value="contact_email">' in html


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"%PDF-1.4 a renamed PDF", "kunder.csv", "PDF"),
        (xlsx_bytes(ROWS, formula_at="B2"), "kunder.xlsx", "B2"),
        (b"", "tom.csv", "tom"),
    ],
)
def test_a_file_that_is_not_a_table_gets_a_message_next_to_the_field(
    world, client_for, data, name, message
):
    response = send_file(client_for(world.admin), data, name)

    assert response.status_code == 422
    assert message in str(response.context["form"].errors["file"])
    assert not CustomerImport.objects.exists()


def test_a_file_over_the_limit_is_stopped_as_it_arrives(world, client_for, settings):
    settings.UPLOAD_MAX_BYTES = settings.CUSTOMER_IMPORT_MAX_BYTES = 1024

    response = send_file(client_for(world.admin), csv_bytes(ROWS) + b"x" * 5000)

    assert response.status_code == 413
    assert "større enn" in str(response.context["form"].errors["file"])
    assert not CustomerImport.objects.exists()


def test_two_columns_for_one_field_are_refused_on_the_mapping(world, client_for):
    client = client_for(world.admin)
    pk = upload(world.admin, csv_bytes(ROWS)).pk

    response = start(client, pk, column_4="phone")

    assert response.status_code == 422
    assert not Job.objects.exists()


def test_the_check_lists_each_problem_by_row_and_field_and_saves_nothing(world, client_for):
    client = client_for(world.admin)
    pk = upload(world.admin, csv_bytes(ROWS)).pk
    before = Customer.objects.count()

    response = start(client, pk, "check")
    page = client.get(response["Location"])

    html = page.content.decode()
    assert "Rad 3, Organisasjonsnummer: Skriv inn et gyldig norsk organisasjonsnummer" in html
    job = Job.objects.get()
    assert (job.summary["created"], job.summary["problem_rows"]) == (2, 1)
    assert Customer.objects.count() == before


def test_import_after_the_check_skips_the_bad_row_and_says_how_many(world, client_for):
    client = client_for(world.moderator)
    pk = upload(world.moderator, csv_bytes(ROWS)).pk
    start(client, pk, "check", skip_invalid="on")

    response = client.post(reverse("customers:import_run", args=[pk]))
    page = client.get(response["Location"])

    summary = Job.objects.latest("created").summary
    assert (summary["created"], summary["updated"], summary["skipped"]) == (2, 0, 1)
    assert "er importert" in page.content.decode()
    assert Customer.objects.filter(company=world.company, number__in=[501, 503]).count() == 2
    assert not CustomerImport.objects.filter(pk=pk).exists()


def test_an_import_with_problems_and_no_skip_imports_nothing_and_says_why(world, client_for):
    client = client_for(world.admin)
    pk = upload(world.admin, csv_bytes(ROWS)).pk
    before = Customer.objects.count()

    page = client.get(start(client, pk, "import")["Location"])

    assert "Ingenting er importert" in page.content.decode()
    assert Customer.objects.count() == before
    assert CustomerImport.objects.filter(pk=pk).exists()  # to change the choices and retry


def test_a_file_refused_past_its_first_rows_fails_the_job_with_the_reason(
    world, client_for, settings
):
    settings.CUSTOMER_IMPORT_MAX_ROWS = 2
    client = client_for(world.admin)
    pk = client.post(IMPORT, {"file": uploaded(csv_bytes(ROWS))})["Location"].split("/")[-2]

    page = client.get(start(client, pk, "import")["Location"])

    assert Job.objects.get().status == Job.Status.FAILED
    assert "Filen har mer enn 2 rader" in page.content.decode()


def test_another_users_upload_is_not_found(world, client_for):
    pk = upload(world.admin, csv_bytes(ROWS)).pk
    assert (
        client_for(world.moderator).get(reverse("customers:import_mapping", args=[pk])).status_code
        == 404
    )
    assert (
        client_for(world.other_admin).post(reverse("customers:import_run", args=[pk])).status_code
        == 404
    )


def test_an_upload_older_than_a_day_is_gone(world, client_for):
    stored = upload(world.admin, csv_bytes(ROWS))
    CustomerImport.objects.filter(pk=stored.pk).update(
        created_at=timezone.now() - timezone.timedelta(days=2)
    )

    page = client_for(world.admin).get(reverse("customers:import_mapping", args=[stored.pk]))

    assert page.status_code == 404


@pytest.fixture
def full_firm(world):
    """Customers with every card field, in both tabs, with and without contact persons."""
    bakery = CustomerFactory(
        company=world.company,
        number=1042,
        name="Bakeriet på Hjørnet AS",
        org_number=org_number(92360901),
        email="post@bakeriet.no",
        phone="+4791234567",
        address="Storgata 1",
        postal_code="0155",
        postal_place="Oslo",
        invoice_address="faktura@bakeriet.no",
        note='Nøkkel hos naboen; ring "først"\nkl. 8',
    )
    ContactPersonFactory(
        customer=bakery,
        name="Åse Ødegård",
        title="Daglig leder",
        phone="+4741234567",
        email="ase@bakeriet.no",
    )
    CustomerFactory(
        company=world.company,
        number=7,
        name="Ølbryggeriet Æbler",
        kind=CustomerKind.PERSON,
        is_active=False,
        note="=SUM(A1)",
    )
    for customer in Customer.objects.filter(company=world.company):
        customer.search_text = search_key(customer.name)
        customer.save()


def export(client, fmt, status):
    name = "customers:export_csv" if fmt == "csv" else "customers:export_xlsx"
    return streamed(client.get(reverse(name), {"status": status}))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_reads_back_unchanged_into_another_firm(world, full_firm, client_for, fmt):
    newcomer = UserFactory(company=CompanyFactory(name="Ny Firma AS"), role=Role.ADMIN)
    ours, theirs = client_for(world.admin), client_for(newcomer)
    files = {status: export(ours, fmt, status) for status in ("active", "inactive")}

    for status, data in files.items():
        response = theirs.post(IMPORT, {"file": uploaded(data, f"kunder-{status}.{fmt}")})
        pk = response["Location"].rstrip("/").split("/")[-1]
        start(theirs, pk, "import")

    for status, data in files.items():
        again = export(theirs, fmt, status)
        if fmt == "csv":
            assert again == data
        else:
            assert _sheet(again) == _sheet(data)


def test_the_export_imported_again_over_itself_changes_nothing(world, full_firm, client_for):
    client = client_for(world.admin)
    data = export(client, "csv", "active")
    events = ContactPerson.objects.count(), Customer.objects.count()

    pk = client.post(IMPORT, {"file": uploaded(data)})["Location"].rstrip("/").split("/")[-1]
    start(client, pk, "import", on_duplicate="update")

    summary = Job.objects.latest("created").summary
    assert (summary["created"], summary["updated"], summary["unchanged"]) == (0, 0, 2)
    assert (ContactPerson.objects.count(), Customer.objects.count()) == events


def _sheet(data):
    import openpyxl

    return [
        list(row)
        for row in openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)
    ]


# What an Excel cell cannot hold.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
CELLS = st.text(st.characters(codec="utf-8"), max_size=30) | st.sampled_from(
    [
        "",
        "923609016",
        "923609017",
        "41234567",
        "+47",
        "0150",
        "Aktiv",
        "Inaktiv",
        "Bedrift",
        "'=1+1",
        '=HYPERLINK("x")',
        '"',
        ";",
        "\n",
        "\x00",
        "10042",
        "-1",
        "1e9",
        "99999999999",
    ]
)
HEADERS = st.lists(
    st.sampled_from(
        [
            "Navn",
            "Kundenummer",
            "Org.nr.",
            "Telefon",
            "E-post",
            "Postnr",
            "Status",
            "Type",
            "Kontaktperson",
            "Kontaktperson telefon",
            "Notat",
            "???",
        ]
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=15)
@given(header=HEADERS, rows=st.lists(st.lists(CELLS, max_size=7), max_size=6), data=st.data())
def test_a_file_of_any_cells_is_imported_whole_or_not_at_all_and_never_fails(
    world, client_for, header, rows, data
):
    client = client_for(world.admin)
    body = data.draw(st.sampled_from(["csv", "xlsx"]))
    content = (
        csv_bytes([header, *rows])
        if body == "csv"
        else xlsx_bytes([header, *[[CONTROL.sub("", cell) for cell in row] for row in rows]])
    )
    before = Customer.objects.filter(company=world.company).count()

    response = client.post(IMPORT, {"file": uploaded(content, f"x.{body}")})
    assert response.status_code in (302, 422)
    if response.status_code != 302:
        return
    pk = response["Location"].rstrip("/").split("/")[-1]
    mapping = client.get(response["Location"])
    assert mapping.status_code == 200
    answer = start(client, pk, "import", skip_invalid=data.draw(st.sampled_from(["", "on"])))
    assert answer.status_code in (302, 422)
    if answer.status_code == 422:
        return

    job = Job.objects.latest("created")
    after = Customer.objects.filter(company=world.company).count()
    assert job.status in (Job.Status.DONE, Job.Status.FAILED)
    if job.status == Job.Status.FAILED or job.summary["refused"]:
        assert after == before
    else:
        assert after == before + job.summary["created"]
    assert client.get(answer["Location"]).status_code == 200
