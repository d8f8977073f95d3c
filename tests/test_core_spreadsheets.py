"""The CSV that PostgreSQL writes (core.spreadsheets.copied_csv_lines): what csv.writer
writes, and a download stopped halfway costs the next request nothing."""

import csv

import pytest
from django.db import DEFAULT_DB_ALIAS, connection

from core.spreadsheets import Echo, copied_csv_lines, inert, inert_cell_sql

CELLS = ["=1+1", "", 'Sa "hei"; da', "to\nlinjer", "-", "Ærlig @ Bø", "\r"]


def test_copied_lines_are_the_lines_csv_writer_writes(db):
    cell, params = inert_cell_sql("cell")
    select = (
        f"SELECT {cell}, n FROM unnest(%s::text[]) WITH ORDINALITY AS line (cell, n) ORDER BY n"
    )

    lines = b"".join(copied_csv_lines(select, [*params, CELLS], using=DEFAULT_DB_ALIAS))

    writer = csv.writer(Echo(), delimiter=";")
    expected = "".join(writer.writerow([inert(text), n]) for n, text in enumerate(CELLS, 1))
    assert lines == expected.encode()


@pytest.mark.django_db(transaction=True)
def test_a_download_stopped_halfway_cancels_the_copy_and_the_connection_goes_on():
    # A hundred million lines, made as they are sent.
    select = "SELECT a * 100000 + b FROM generate_series(0, 999) a, generate_series(1, 100000) b"
    lines = copied_csv_lines(select, [], using=DEFAULT_DB_ALIAS)

    assert next(lines).startswith(b"1\r\n2\r\n")
    lines.close()  # the client went away

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
