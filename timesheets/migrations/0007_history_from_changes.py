"""The hand-written trail of approved entries (TimeEntryChange) becomes events.

A change row said who, when, the action and {field: [old, new]} as the user saw the
values ("7,5", "02.03.2026", "1001 Nytt bad"); an event is the entry as it was after the
change. Starting from the entry as it is now, each change is undone in turn (newest
first), reading the shown values back (a project by its number and name, a customer by
its name within the firm). Before the oldest change the entry was approved: that state
becomes the entry's baseline event, at the time it was approved, so the trail begins
with "Godkjent".

What cannot be rebuilt, and what is done instead:
- a shown value that no longer reads back (a project renamed since, two customers of
  the same name) keeps today's value in the snapshot, and the change as it was shown
  travels in the event's context ("noted"), so the entry's history still shows it;
- an entry deleted after approval is gone, and so is its id: its deletion becomes a
  "delete" event without object, with the firm, who, when, the date and hours read from
  the record, and the record's own text ("entry") in the context;
- ``version`` of an earlier state is that of today's row.

Every entry without events then gets a baseline event.
"""

import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.db import migrations

from core.history import BASELINE, allow_past_timestamps, write_baselines

ORIGIN = "timesheets.0005_history_from_changes"
OSLO = ZoneInfo("Europe/Oslo")


class Unreadable(ValueError):
    pass


def _read(name, shown, company_id, names):
    """The stored value of field ``name`` from the text the history showed."""
    if shown in ("", None):
        return None
    try:
        if name == "date":
            return datetime.datetime.strptime(shown, "%d.%m.%Y").date()
        if name == "hours":
            return Decimal(shown.replace(",", "."))
        if name in ("start_time", "end_time"):
            return datetime.datetime.strptime(shown, "%H:%M").time()
        if name == "break_minutes":
            return int(shown)
    except (ValueError, InvalidOperation) as error:
        raise Unreadable(shown) from error
    if name in ("project", "customer"):
        found = names[name].get((company_id, shown), [])
        if len(found) != 1:
            raise Unreadable(shown)
        return found[0]
    return shown


def _approval(shown, company_id, names):
    """("Lars Moen 02.03.2026 14:00") -> (approved_at, approved_by_id)."""
    try:
        at = datetime.datetime.strptime(shown[-16:], "%d.%m.%Y %H:%M").replace(tzinfo=OSLO)
    except ValueError as error:
        raise Unreadable(shown) from error
    users = names["user"].get((company_id, shown[:-16].strip()), [])
    return at, users[0] if len(users) == 1 else None


def _before(state, change, fields, names, noted):
    state = dict(state)
    if change.action == "changed":
        for name, (old, new) in change.changes.items():
            if name not in fields:
                continue
            try:
                state[fields[name].attname] = _read(name, old, change.company_id, names)
            except Unreadable:
                noted[name] = [old or "–", new or "–"]
    elif change.action == "reopened":
        shown = change.changes.get("approved_at", [""])[0]
        try:
            state["approved_at"], state["approved_by_id"] = _approval(
                shown, change.company_id, names
            )
        except Unreadable:
            state["approved_at"], state["approved_by_id"] = change.at, None
    return state


def _events(entry, changes, fields, names, Event):
    state = {field.attname: getattr(entry, field.attname) for field in fields.values()}
    after = []
    for change in reversed(changes):
        snapshot, noted = dict(state), {}
        state = _before(state, change, fields, names, noted)
        context = {"user": change.by_id, "migration": ORIGIN}
        if noted:
            context["noted"] = noted
        after.append(("update", change.at, context, snapshot))
    after.reverse()
    approved_at = state.get("approved_at")
    first = (BASELINE, approved_at or entry.created_at, {"migration": ORIGIN}, state)
    return [
        Event(pgh_label=label, pgh_created_at=at, pgh_context=context, pgh_obj_id=entry.pk, **v)
        for label, at, context, v in [first, *after]
    ]


def _deletion(change, names, Event):
    """An entry deleted after approval: what its record still tells."""
    text = change.changes.get("entry", "")
    words = text.split()
    values = {}
    for name, shown in zip(("date", "hours"), words, strict=False):
        try:
            values[name] = _read(name, shown, change.company_id, names)
        except Unreadable:
            pass
    return Event(
        pgh_label="delete",
        pgh_created_at=change.at,
        pgh_context={"user": change.by_id, "migration": ORIGIN, "entry": text},
        pgh_obj_id=None,
        company_id=change.company_id,
        **values,
    )


def _names(apps):
    """What a shown project, customer or approver reads back to, per firm."""
    names = {"project": {}, "customer": {}, "user": {}}
    Project = apps.get_model("projects", "Project")
    Customer = apps.get_model("customers", "Customer")
    User = apps.get_model("accounts", "User")
    for pk, company, number, name in Project.objects.values_list(
        "pk", "company_id", "number", "name"
    ):
        names["project"].setdefault((company, f"{number} {name}"), []).append(pk)
    for pk, company, name in Customer.objects.values_list("pk", "company_id", "name"):
        names["customer"].setdefault((company, name), []).append(pk)
    for pk, company, name in User.objects.values_list("pk", "company_id", "name"):
        names["user"].setdefault((company, name), []).append(pk)
    return names


def forwards(apps, schema_editor):
    TimeEntry = apps.get_model("timesheets", "TimeEntry")
    TimeEntryChange = apps.get_model("timesheets", "TimeEntryChange")
    TimeEntryEvent = apps.get_model("timesheets", "TimeEntryEvent")
    allow_past_timestamps(TimeEntryEvent)
    changes = list(TimeEntryChange.objects.order_by("at", "id"))
    if changes:
        own = {field.name for field in TimeEntry._meta.local_concrete_fields}
        fields = {
            field.name: field
            for field in TimeEntryEvent._meta.local_concrete_fields
            if field.name in own and not field.name.startswith("pgh_")
        }
        names = _names(apps)
        by_entry, events = {}, []
        for change in changes:
            if change.entry_id is None:
                events.append(_deletion(change, names, TimeEntryEvent))
            else:
                by_entry.setdefault(change.entry_id, []).append(change)
        entries = TimeEntry.objects.in_bulk(list(by_entry))
        for entry_id, rows in by_entry.items():
            events += _events(entries[entry_id], rows, fields, names, TimeEntryEvent)
        TimeEntryEvent.objects.bulk_create(events)
    write_baselines(apps, [("timesheets.TimeEntry", "timesheets.TimeEntryEvent")], origin=ORIGIN)


class Migration(migrations.Migration):
    dependencies = [
        ("timesheets", "0006_history_events"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False),
    ]
