"""The customer import as a service (customers.imports): files in the shapes accounting
systems and people write, the card's rules per row, duplicates, and all or nothing."""

import pytest
from django.utils import translation

from core.tables import Unreadable, read_table
from customers import imports
from customers.models import ContactPerson, Customer, CustomerEvent, CustomerImport, CustomerKind
from customers.selectors import customer_history

from .factories import ContactPersonFactory, CustomerFactory
from .imports import csv_bytes, org_number, run, upload, xlsx_bytes

BAKERY, PLUMBER, SHOP = org_number(92360901), org_number(91533314), org_number(81234567)

# Tripletex's customer file (the columns of its "Kunde- og leverandørimport").
TRIPLETEX = [
    [
        "Kundenummer",
        "Navn",
        "Organisasjonsnummer",
        "Telefon",
        "Mobil",
        "Epost",
        "Postadresse - linje 1",
        "Postadresse - postnummer",
        "Postadresse - sted",
    ],
    [
        "101",
        "Bakeriet på Hjørnet AS",
        BAKERY,
        "22 33 44 55",
        "",
        "post@bakeriet.no",
        "Storgata 1",
        "0155",
        "Oslo",
    ],
    ["102", "Rørlegger Ås", PLUMBER, "", "912 34 567", "", "Ringveien 2", "1430", "Ås"],
]
# PowerOffice Go's customer list as Excel: short headers, numbers as numbers.
POWEROFFICE = [
    [
        "Kundenr",
        "Kundenavn",
        "Org.nr.",
        "E-post",
        "Telefon",
        "Adresse",
        "Postnr",
        "Poststed",
        "Kontaktperson",
    ],
    [
        201,
        "Butikken Øst AS",
        int(SHOP),
        "hei@butikken.no",
        41234567,
        "Torget 3",
        150,
        "Oslo",
        "Åse Ødegård",
    ],
]
# A sheet someone made by hand: English headers, no numbers, one company and one person.
HANDMADE = [
    ["Name", "Type", "Email", "Phone", "Address", "Zip", "City", "Notes"],
    [
        "Kari Nordvik",
        "Privat",
        "kari@example.no",
        "+47 913 00 000",
        "Lia 4",
        "7010",
        "Trondheim",
        "Ring før\nkl. 16",
    ],
    ["Snekker Hansen", "person", "", "", "", "", "", ""],
]


def names(world):
    return sorted(Customer.objects.filter(company=world.company).values_list("name", flat=True))


def test_a_tripletex_file_in_windows_1252_with_semicolons_creates_its_customers(world):
    data = csv_bytes(TRIPLETEX, encoding="cp1252")

    summary = run(world.admin, data)

    assert (summary["created"], summary["updated"], summary["skipped"]) == (2, 0, 0)
    bakery = Customer.objects.get(company=world.company, org_number=BAKERY)
    assert (bakery.number, bakery.name, bakery.phone) == (
        101,
        "Bakeriet på Hjørnet AS",
        "+4722334455",
    )
    assert (bakery.address, bakery.postal_code, bakery.postal_place) == (
        "Storgata 1",
        "0155",
        "Oslo",
    )
    plumber = Customer.objects.get(number=102, company=world.company)
    assert (plumber.postal_place, plumber.phone) == ("Ås", "+4791234567")  # from "Mobil"


def test_a_poweroffice_workbook_reads_numbers_as_typed_and_the_contact_person(world):
    summary = run(world.admin, xlsx_bytes(POWEROFFICE), filename="kunder.xlsx")

    assert summary["created"] == 1
    shop = Customer.objects.get(company=world.company, number=201)
    assert (shop.org_number, shop.phone, shop.postal_code) == (SHOP, "+4741234567", "0150")
    assert shop.contacts.get().name == "Åse Ødegård"
    assert "ase odegard" in shop.search_text


def test_a_handmade_sheet_with_a_bom_commas_quoted_newlines_and_empty_rows(world):
    rows = [HANDMADE[0], [""] * 8, HANDMADE[1], [], HANDMADE[2]]
    data = csv_bytes(rows, delimiter=",", bom=True)

    summary = run(world.admin, data)

    assert summary["created"] == 2
    kari = Customer.objects.get(company=world.company, name="Kari Nordvik")
    assert kari.kind == CustomerKind.PERSON
    assert kari.note == "Ring før\nkl. 16"
    numbers = sorted(
        Customer.objects.filter(company=world.company).values_list("number", flat=True)
    )
    assert numbers[-2:] == [numbers[-3] + 1, numbers[-3] + 2]  # the next free ones


def test_tabs_and_utf16_are_read_too(world):
    data = "\ufeffNavn\tTelefon\r\nTab Tabben\t41234567\r\n".encode("utf-16")
    assert run(world.admin, data)["created"] == 1


def test_headers_in_norwegian_and_english_are_recognised():
    header = [
        "Kundenr",
        "Name",
        "Org.nr.",
        "E-post",
        "Mobil",
        "Postnr",
        "Sted",
        "Kontakt",
        "Ukjent",
        "Telefon",
    ]

    assert imports.guess_mapping(header) == [
        "number",
        "name",
        "org_number",
        "email",
        "phone",
        "postal_code",
        "postal_place",
        "contact_name",
        "",
        "other_phone",  # "Telefon" after "Mobil": taken where "Mobil" is empty
    ]
    assert imports.guess_mapping(["Navn", "Telefon", "Mobil", "Tlf"]) == [
        "name",
        "phone",
        "other_phone",
        "",
    ]


def test_each_problem_is_listed_with_its_row_number_and_field_in_the_users_language(world):
    rows = [
        ["Navn", "Organisasjonsnummer", "E-post", "Postnummer"],
        ["God Kunde", BAKERY, "", "0150"],
        ["", "923609017", "ikke-epost", "12a4"],
    ]
    with translation.override("nb"):
        summary = run(world.admin, csv_bytes(rows), dry_run=True)

    assert summary["problem_rows"] == 1
    assert summary["problems"] == [
        [3, "Navn", "Feltet er påkrevet."],
        [3, "Organisasjonsnummer", "Skriv inn et gyldig norsk organisasjonsnummer (9 siffer)."],
        [3, "E-post", "Oppgi en gyldig e-postadresse"],
        [3, "Postnummer", "Et postnummer har 4 sifre."],
    ]


def test_rows_with_problems_refuse_the_import_unless_they_are_skipped(world):
    rows = [["Navn", "Telefon"], ["Grei Kunde", "41234567"], ["Feil Telefon", "123"]]
    before = names(world)

    refused = run(world.admin, csv_bytes(rows))
    assert refused["refused"] and names(world) == before

    done = run(world.admin, csv_bytes(rows), skip_invalid=True)
    assert (done["created"], done["skipped"]) == (1, 1)
    assert "Grei Kunde" in names(world) and "Feil Telefon" not in names(world)


def test_a_second_run_of_the_same_file_creates_nothing(world):
    for table in (TRIPLETEX, HANDMADE):
        data = csv_bytes(table)
        run(world.admin, data)
        count = Customer.objects.count()

        again = run(world.admin, data)

        assert again["created"] == 0 and Customer.objects.count() == count
        assert again["skipped"] == len(table) - 1


def test_duplicates_in_the_firm_active_inactive_or_deleted_are_reported_and_skipped(world):
    CustomerFactory(company=world.company, number=101, name="Gammel Bakeri")
    CustomerFactory(company=world.company, org_number=PLUMBER, is_active=False, name="Ås Rør")

    summary = run(world.admin, csv_bytes(TRIPLETEX), dry_run=True)

    assert summary["created"] == 0 and summary["duplicate_count"] == 2
    texts = [text for _row, text in summary["duplicates"]]
    assert "Gammel Bakeri (kunde 101)" in texts[0]
    assert "inaktiv" in texts[1]


def test_a_deleted_customer_with_the_org_number_is_named_and_never_updated(world):
    from django.utils import timezone

    CustomerFactory(
        company=world.company, org_number=BAKERY, name="Slettet", deleted_at=timezone.now()
    )

    summary = run(world.admin, csv_bytes(TRIPLETEX), on_duplicate="update")

    assert "slettet" in summary["duplicates"][0][1]
    assert Customer.objects.get(org_number=BAKERY, company=world.company).name == "Slettet"


def test_update_changes_the_fields_the_file_gives_and_keeps_the_others(world):
    bakery = CustomerFactory(
        company=world.company, org_number=BAKERY, name="Bakeriet", note="Nøkkel hos naboen"
    )
    ContactPersonFactory(customer=bakery, name="Ola")

    summary = run(world.admin, csv_bytes(TRIPLETEX), on_duplicate="update")

    assert (summary["created"], summary["updated"]) == (1, 1)
    bakery.refresh_from_db()
    assert (bakery.name, bakery.email, bakery.note) == (
        "Bakeriet på Hjørnet AS",
        "post@bakeriet.no",
        "Nøkkel hos naboen",
    )
    assert bakery.version == 2 and bakery.updated_by == world.admin
    assert list(bakery.contacts.values_list("name", flat=True)) == ["Ola"]
    again = run(world.admin, csv_bytes(TRIPLETEX), on_duplicate="update")
    assert (again["updated"], again["unchanged"]) == (0, 2)


def test_duplicate_rows_within_the_file_are_imported_once(world):
    rows = [TRIPLETEX[0], TRIPLETEX[1], TRIPLETEX[1], ["", "Andre navn", BAKERY] + [""] * 6]

    summary = run(world.admin, csv_bytes(rows))

    assert summary["created"] == 1
    assert [row for row, _text in summary["duplicates"]] == [3, 4]
    assert "rad 2" in summary["duplicates"][0][1]


def test_the_history_says_imported_from_the_file(world):
    run(world.admin, csv_bytes(TRIPLETEX), filename="tripletex-kunder.csv")
    bakery = Customer.objects.get(company=world.company, org_number=BAKERY)

    with translation.override("nb"):
        entry = customer_history(bakery)[0]

    assert entry.action == "importert fra tripletex-kunder.csv"
    assert entry.by == world.admin.name


def test_an_import_that_fails_midway_leaves_nothing(world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(ContactPerson.objects, "bulk_create", broken)
    upload_row = upload(world.admin, xlsx_bytes(POWEROFFICE), "kunder.xlsx")
    count, events = Customer.objects.count(), CustomerEvent.objects.count()

    with pytest.raises(RuntimeError):
        imports.import_customers(upload_row, by=world.admin, dry_run=False)

    assert (Customer.objects.count(), CustomerEvent.objects.count()) == (count, events)
    assert CustomerImport.objects.filter(pk=upload_row.pk).exists()


def test_the_uploaded_file_is_gone_once_imported(world):
    upload_row = upload(world.admin, csv_bytes(TRIPLETEX))
    imports.import_customers(upload_row, by=world.admin, dry_run=False)
    assert not CustomerImport.objects.filter(pk=upload_row.pk).exists()


@pytest.mark.parametrize(
    "data, message",
    [
        (b"%PDF-1.7\n1 0 obj", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        (b"PK\x03\x04 not really a zip", "Excel"),
        (b"", "tom"),
        (b"\x00\x01\x02binary", "ikke en CSV"),
        (b'Navn\n"never closed' + b"x" * 200_000, "Rad"),
        (b"Navn;" + b"x" * 200_000 + b"\n", "Rad"),
    ],
)
def test_what_is_not_a_table_gets_a_clear_message(data, message):
    with pytest.raises(Unreadable) as refused:
        read_table(data, max_rows=100)
    assert message in refused.value.message


def test_an_xlsx_with_a_formula_is_refused_naming_the_cell():
    with pytest.raises(Unreadable) as refused:
        read_table(xlsx_bytes(POWEROFFICE, formula_at="C5"), max_rows=100)
    assert "C5" in refused.value.message


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"<x/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 50_000_000)
    with pytest.raises(Unreadable) as refused:
        read_table(out.getvalue(), max_rows=100)
    assert "pakker seg ut" in refused.value.message


def test_more_rows_than_the_limit_are_refused(world, settings):
    settings.CUSTOMER_IMPORT_MAX_ROWS = 2
    rows = [["Navn"], ["A"], ["B"], ["C"]]
    with pytest.raises(Unreadable) as refused:
        run(world.admin, csv_bytes(rows))
    assert "mer enn 2 rader" in refused.value.message
    assert read_table(csv_bytes(rows), max_rows=2, preview=True).rows == [["A"], ["B"]]


def test_excel_files_are_parsed_with_defusedxml():
    from openpyxl import xml

    assert xml.DEFUSEDXML  # entity expansion in an uploaded sheet's XML is refused


def test_an_update_keeps_every_contact_person_findable(world):
    from customers.selectors import search_customers

    bakery = CustomerFactory(company=world.company, org_number=BAKERY, name="Bakeriet")
    ContactPersonFactory(customer=bakery, name="Ola Først")
    ContactPersonFactory(customer=bakery, name="Kari Andre")
    rows = [["Organisasjonsnummer", "Navn", "Kontaktperson"], [BAKERY, "Bakeriet AS", "Ola Først"]]

    run(world.admin, csv_bytes(rows), on_duplicate="update")

    found = search_customers(Customer.objects.filter(company=world.company), "kari andre")
    assert list(found) == [Customer.objects.get(pk=bakery.pk)]


def test_uploaded_files_not_imported_within_a_day_are_deleted_hourly(world):
    from datetime import timedelta

    from django.utils import timezone

    from core.queue import app
    from customers import tasks

    old, new = upload(world.admin, csv_bytes(TRIPLETEX)), upload(world.admin, csv_bytes(TRIPLETEX))
    CustomerImport.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))

    assert tasks.prune_imports(timestamp=0) == 1
    assert list(CustomerImport.objects.values_list("pk", flat=True)) == [new.pk]
    schedule = {p.task.name: p.cron for p in app.periodic_registry.periodic_tasks.values()}
    assert schedule["customers.prune_imports"] == "37 * * * *"


@pytest.mark.parametrize("on_duplicate", ["skip", "update"])
@pytest.mark.parametrize(
    ("state", "described"),
    [
        ({}, "kunde 10001"),
        ({"is_active": False}, "kunde 10001, inaktiv"),
        ("deleted", "kunde 10001, slettet"),
    ],
)
def test_a_new_org_number_with_another_customers_number_is_a_problem_never_an_update(
    world, on_duplicate, state, described
):
    from django.utils import timezone

    fields = {"deleted_at": timezone.now()} if state == "deleted" else state
    customer = CustomerFactory(
        company=world.company, number=10001, org_number=BAKERY, name="Bakeriet AS", **fields
    )
    data = csv_bytes([["Kundenummer", "Navn", "Orgnr"], ["10001", "Other AS", PLUMBER]])

    with translation.override("nb"):
        checked = run(world.admin, data, dry_run=True, on_duplicate=on_duplicate)
        done = run(world.admin, data, on_duplicate=on_duplicate, skip_invalid=True)

    assert checked["problems"] == [
        [
            2,
            "Kundenummer",
            f"Kundenummeret tilhører Bakeriet AS ({described}), "
            "som har et annet organisasjonsnummer.",
        ]
    ]
    assert (done["created"], done["updated"], done["skipped"]) == (0, 0, 1)
    customer.refresh_from_db()
    assert (customer.name, customer.org_number, customer.version) == ("Bakeriet AS", BAKERY, 1)


def test_a_number_repeated_in_the_file_for_another_customer_is_a_problem_of_the_later_row(
    world,
):
    rows = [["Kundenummer", "Navn", "Orgnr"], ["10001", "Bakeriet", BAKERY]]
    rows.append(["10001", "Rørlegger Ås", PLUMBER])

    with translation.override("nb"):
        checked = run(world.admin, csv_bytes(rows), dry_run=True)
        done = run(world.admin, csv_bytes(rows), skip_invalid=True)

    assert checked["problems"] == [
        [3, "Kundenummer", "Kundenummer 10001 står også på rad 2, for en annen kunde."]
    ]
    assert (done["created"], done["skipped"]) == (1, 1)
    assert "Bakeriet" in names(world) and "Rørlegger Ås" not in names(world)
