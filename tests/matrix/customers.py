from django.core.files.uploadedfile import SimpleUploadedFile

from ..imports import csv_bytes, upload
from ..test_customers_views import card_post, new_customer_post
from . import OK, Route, managers

# An uploaded file is its uploader's alone (here the Administrator's), like a job.
UPLOADER = {"admin": OK, "moderator": 404, "employee": 403, "other_admin": 404}
ROWS = [["Kundenummer", "Navn", "Telefon"], ["7001", "Importert Kunde", "41234567"]]


def customer(world):
    return [world.customer.pk]


def admins_upload(world):
    return [upload(world.admin, csv_bytes(ROWS)).pk]


def a_file(world):
    return {"file": SimpleUploadedFile("kunder.csv", csv_bytes(ROWS), "text/csv")}


def mapping_post(world):
    return {
        "column_0": "number",
        "column_1": "name",
        "column_2": "phone",
        "on_duplicate": "skip",
        "check": "1",
    }


ROUTES = [
    Route("customers:list", managers()),
    Route("customers:list", managers(), query="?status=inactive&q=kari&sort=-number&page=2"),
    Route("customers:export_csv", managers()),
    Route("customers:export_xlsx", managers(), query="?status=inactive&q=kari&sort=-number"),
    Route("customers:create", managers()),
    Route("customers:create", managers(), method="post", ok=422),
    # Another firm's Administrator creates the customer in their own firm.
    Route(
        "customers:create", managers(), method="post", data=lambda w: new_customer_post(), ok=302
    ),
    # Asks Brønnøysund (unreachable in tests: the card's look-up says so and works on).
    Route("customers:lookup", managers(), query="?name=kari&org_number=915333141"),
    Route("customers:detail", managers(other=404), args=customer),
    Route("customers:detail", managers(other=404), args=customer, method="post", ok=422),
    Route(
        "customers:detail",
        managers(other=404),
        args=customer,
        method="post",
        data=lambda w: card_post(w.customer, phone="+47 912 34 567"),
        ok=302,
    ),
    Route(
        "customers:status",
        managers(other=404),
        args=customer,
        method="post",
        data=lambda w: {"active": "1"},
        ok=302,
    ),
    Route("customers:delete", managers(other=404), args=customer),
    Route("customers:delete", managers(other=404), args=customer, method="post", ok=302),
    Route("customers:import", managers()),
    Route("customers:import", managers(), method="post", ok=422),
    # Another firm's Administrator uploads into their own firm.
    Route("customers:import", managers(), method="post", data=a_file, ok=302),
    Route("customers:import_mapping", UPLOADER, args=admins_upload),
    Route("customers:import_mapping", UPLOADER, args=admins_upload, method="post", ok=422),
    Route(
        "customers:import_mapping",
        UPLOADER,
        args=admins_upload,
        method="post",
        data=mapping_post,
        ok=302,
    ),
    Route("customers:import_run", UPLOADER, args=admins_upload, method="post", ok=302),
    Route("customers:refresh", managers(other=404), args=customer),
    Route(
        "customers:refresh",
        managers(other=404),
        args=customer,
        method="post",
        data=lambda w: {"version": str(w.customer.version)},
    ),
]
