"""What every CSV and Excel download shares: the BOM Excel needs to read UTF-8, a
file for csv.writer that streams, text that a spreadsheet will not run (and that
text read back, for an import), and the responses that send them; for a file of many
rows, PostgreSQL writes the same CSV itself (``copied_csv_response``)."""

import csv
import tempfile
from contextlib import nullcontext

import xlsxwriter
from django.db import connections
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Echo:
    """A file for csv.writer that hands back each line instead of storing it."""

    def write(self, value):
        return value


def inert(value):
    """Text a spreadsheet must not run as a formula ("=HYPERLINK(...)" in a description):
    a leading apostrophe makes it plain text."""
    return f"'{value}" if value[:1] in FORMULA_STARTS else value


def inert_cell_sql(column):
    """``inert`` in SQL, for a text cell of a file PostgreSQL writes
    (``copied_csv_response``): (sql, params). An empty text is NULL there, which COPY
    writes as the empty cell csv.writer writes (an empty text it would quote)."""
    starts = f"left({column}, 1) = ANY(%s)"
    sql = f"NULLIF(CASE WHEN {starts} THEN '''' || {column} ELSE {column} END, '')"
    return sql, [list(FORMULA_STARTS)]


def plain(value):
    """The text ``inert`` protected, as it was: "'+47 41 23 45 67" is "+47 41 23 45 67"
    again when a file of ours (or one a spreadsheet wrote the same way) is read back."""
    return value[1:] if value[:1] == "'" and value[1:2] in FORMULA_STARTS else value


def dated(name, extension):
    """The file's name: what it holds and today's date ("kunder-2026-12-01.csv")."""
    return f"{name}-{timezone.localdate():%Y-%m-%d}.{extension}"


def csv_response(header, lines, filename):
    """UTF-8 with a BOM and ";" between columns: what Excel in Norway opens right.
    ``lines`` are lists of cells, read while the response streams (after the view
    has returned: build their query before)."""
    writer = csv.writer(Echo(), delimiter=";")

    def stream():
        yield BOM + writer.writerow(header)
        for cells in lines:
            yield writer.writerow(cells)

    return _csv_file(stream(), filename)


# COPY hands over one line at a time; the response sends them in blocks of this size.
COPY_BLOCK = 64 * 1024


def copied_csv_response(header, select, params, filename, *, using):
    """The file of ``csv_response``, byte for byte, with its lines written by PostgreSQL
    (``copied_csv_lines``, read while the response streams): an export of a million
    rows in the time the database takes, not Python's per row."""
    writer = csv.writer(Echo(), delimiter=";")

    def stream():
        yield (BOM + writer.writerow(header)).encode()
        yield from copied_csv_lines(select, params, using=using)

    return _csv_file(stream(), filename)


def copied_csv_lines(select, params, *, using):
    """The lines of ``select`` as csv.writer writes them (";" between cells, "\\r\\n"
    after each line), written by ``COPY (select) TO STDOUT`` in CSV on database
    ``using``, in blocks of about COPY_BLOCK bytes. The cells of ``select`` are text or
    numbers formatted in SQL as the file shows them, an empty text as NULL
    (``inert_cell_sql``).

    One statement, so one snapshot of the data however long the download takes; it is
    in the connection's query log as every query is. Closed before its end (the client
    went away), it cancels the COPY, and the connection serves the next request."""
    statement = f"COPY ({select}) TO STDOUT WITH (FORMAT csv, DELIMITER ';')"
    connection = connections[using]
    with connection.cursor() as cursor:
        logged = cursor.debug_sql(statement, params) if connection.queries_logged else None
        with (
            logged or nullcontext(),
            connection.wrap_database_errors,
            cursor.cursor.copy(statement, params) as copy,
        ):
            block = bytearray()
            for line in copy:
                # COPY ends a line with "\n", csv.writer with "\r\n"; a line break
                # in a cell is inside its quotes in both.
                block += line[:-1]
                block += b"\r\n"
                if len(block) >= COPY_BLOCK:
                    yield bytes(block)
                    block.clear()
            if block:
                yield bytes(block)


def _csv_file(stream, filename):
    response = StreamingHttpResponse(stream, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def new_workbook(**options):
    """(workbook, file): a workbook written row by row in constant memory to a
    temporary file, which ``xlsx_response`` sends."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it once sent
    return xlsxwriter.Workbook(out, {"constant_memory": True, **options}), out


def table_sheet(workbook, title, headers, widths):
    """A worksheet of a table: ``headers`` in bold in its first row, which stays in view
    when scrolling, and its columns ``widths`` characters wide."""
    sheet = workbook.add_worksheet(title)
    sheet.write_row(0, 0, headers, workbook.add_format({"bold": True}))
    sheet.freeze_panes(1, 0)
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width)
    return sheet


def xlsx_response(workbook, out, filename):
    workbook.close()
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX)


def xlsx_bytes(workbook, out):
    """The finished workbook's file as bytes, e.g. for a job to keep (core.jobs)."""
    workbook.close()
    out.seek(0)
    with out:
        return out.read()
