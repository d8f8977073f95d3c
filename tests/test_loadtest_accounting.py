"""The load test's bookkeeping (loadtest/accounting.py): what counts as saved, lost,
doubled, and what a form sends."""

from loadtest.accounting import (
    account,
    acknowledged,
    clean_503,
    markers,
    parse_form,
    percentile,
)

OUTAGE = (100.0, 105.0)


def create(marker, ack, t0=10.0, t1=10.1, op="create", kind="entry"):
    return {"op": op, "kind": kind, "marker": marker, "ack": ack, "t0": t0, "t1": t1}


def edit(marker, edit_marker, ack, t0, kind="entry"):
    return {**create(marker, ack, t0, t0 + 0.1, op="edit", kind=kind), "edit": edit_marker}


A, B, C = "LT" + "a" * 12, "LT" + "b" * 12, "LT" + "c" * 12
E1, E2 = "LE" + "1" * 12, "LE" + "2" * 12


def test_redirect_and_htmx_answers_are_acknowledged():
    assert acknowledged(302)
    assert acknowledged(200, {"HX-Trigger": "closeDialog"})
    assert acknowledged(204, {"hx-redirect": "/customers/1/"})
    assert not acknowledged(200, {"Content-Type": "text/html"})
    assert not acknowledged(422, {"HX-Trigger": "x"})
    assert not acknowledged(503)
    assert not acknowledged(0)


def test_every_acknowledged_create_found_once_passes():
    figures = account([create(A, True), create(B, False)], {"entry": [f"Last {A}"]}, [], None)
    assert figures["creates_acknowledged"] == 1
    assert figures["rows_found"] == 1
    for name in ("creates_lost", "creates_doubled", "rows_unknown", "unacknowledged_saved"):
        assert figures[name] == 0


def test_acknowledged_create_missing_is_lost():
    assert account([create(A, True)], {"entry": []}, [], None)["creates_lost"] == 1


def test_row_found_twice_is_doubled():
    figures = account([create(A, True)], {"entry": [A, A]}, [], None)
    assert figures["creates_doubled"] == 1


def test_row_nobody_asked_for_is_unknown():
    assert account([], {"customer": [f"Kunde {C}"]}, [], None)["rows_unknown"] == 1


def test_saved_without_acknowledgement_counts_apart_only_in_the_outage():
    rows = {"entry": [A, B]}
    writes = [create(A, False, 104.0, 106.0), create(B, False, 50.0, 50.2)]
    figures = account(writes, rows, [], OUTAGE)
    assert figures["unacknowledged_saved_in_outage"] == 1
    assert figures["unacknowledged_saved"] == 1


def test_double_submit_is_one_object():
    writes = [create(A, True, op="double"), create(A, True, op="double")]
    figures = account(writes, {"entry": [A]}, [], None)
    assert figures["double_submits"] == 1
    assert figures["double_submits_both_acknowledged"] == 1
    assert figures["creates_acknowledged"] == 1
    assert figures["creates_doubled"] == 0
    assert account(writes, {"entry": [A, A]}, [], None)["creates_doubled"] == 1


def test_final_text_must_hold_the_last_acknowledged_edit():
    writes = [create(A, True), edit(A, E1, True, 20.0), edit(A, E2, False, 30.0)]
    assert account(writes, {"entry": [f"{A} {E1}"]}, [], None)["edits_lost"] == 0
    assert account(writes, {"entry": [A]}, [], None)["edits_lost"] == 1
    assert account(writes, {"entry": [f"{A} {E2}"]}, [], None)["edits_lost"] == 1


def test_edit_answered_in_the_outage_may_have_been_saved():
    writes = [create(A, True), edit(A, E1, True, 20.0), edit(A, E2, False, 104.0)]
    assert account(writes, {"entry": [f"{A} {E2}"]}, [], OUTAGE)["edits_lost"] == 0
    assert account(writes, {"entry": [f"{A} {E1}"]}, [], OUTAGE)["edits_lost"] == 0


def test_acknowledged_approval_must_leave_its_entries_approved():
    approval = {"op": "approve", "ack": True, "entries": [1, 2, 3], "t0": 1.0, "t1": 1.1}
    refused = {**approval, "ack": False, "entries": [4]}
    figures = account([approval, refused], {}, [1, 2], None)
    assert figures["approvals_acknowledged"] == 1
    assert figures["approvals_lost"] == 1


def test_markers_are_read_from_names_and_descriptions():
    assert markers(f"Kunde {A} {E1} {E2}") == (A, E2)
    assert markers("Demo customer") == (None, None)


def test_only_the_apps_own_503_page_is_clean():
    assert clean_503("<h1>Prøv igjen om litt</h1>")
    assert not clean_503("<h1>Service Unavailable</h1>")
    assert not clean_503("Prøv igjen om litt Traceback (most recent call last)")


def test_percentile_is_nearest_rank():
    assert percentile(list(range(1, 101)), 0.95) == 95
    assert percentile([7], 0.95) == 7
    assert percentile([], 0.95) is None


def test_form_sends_what_a_browser_would():
    html = """
    <form method="post" action="/logout/"><input name="csrfmiddlewaretoken" value="x"></form>
    <form method="post" action="/timesheets/new/">
      <input type="hidden" name="csrfmiddlewaretoken" value="tok">
      <input type="hidden" name="form_token" value="f-1">
      <input type="text" name="hours" value="7,5">
      <input type="checkbox" name="flag" value="on">
      <input type="radio" name="kind" value="company" checked>
      <input type="radio" name="kind" value="person">
      <select name="project"><option value="">None</option><option value="4" selected>4</option>
        <option value="5">5</option></select>
      <select name="customer"><option value="">None</option><option value="9">9</option></select>
      <textarea name="description">
Bygg &amp; anlegg</textarea>
      <button type="submit" name="save" value="1">Lagre</button>
    </form>"""
    form = parse_form(html, "/timesheets/new/")
    assert dict(form.fields) == {
        "csrfmiddlewaretoken": "tok",
        "form_token": "f-1",
        "hours": "7,5",
        "kind": "company",
        "project": "4",
        "customer": "",
        "description": "Bygg & anlegg",
    }
    assert form.options["project"] == ["", "4", "5"]
    form.set("hours", "8")
    assert form.get("hours") == "8"
    assert parse_form(html, "/elsewhere/") is None
