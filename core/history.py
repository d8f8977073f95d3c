"""History as the database keeps it, made readable.

PostgreSQL triggers (django-pghistory) write a snapshot of a tracked row after every
insert and update, and of the old row on delete, with the context of the write: the
request's user and URL (pghistory's middleware) or the management command. This module
holds what every app's history needs and nothing about any app:

- ``events_of``: the base of an app's event model, scoped to the firm like every other
  firm table;
- ``steps``: consecutive snapshots of one object turned into (before, after) values;
- ``diffs``: the fields that changed in a step, as (label, old, new) display values;
- ``entries``: an object's steps and its children's (contact persons of a customer,
  members of a project) merged into readable entries, newest first: who, when, what.

Each app says which fields have which label, how a value is displayed and what a step
means ("Opprettet", "Satt inaktiv", ...) in its selectors.
"""

import dataclasses
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pghistory
from django.contrib.auth import get_user_model
from django.db import connection
from pghistory.models import EventQuerySet

from .tenancy import scoped_manager

INSERT, DELETE = "insert", "delete"
# The state of a row when its history began (written by the migration that started
# the triggers): what the first change is compared with, not a change itself.
BASELINE = "baseline"
EMPTY = "–"


def events_of(tracked, *, exclude=(), company="company", **meta):
    """The abstract base of ``tracked``'s event model: one column per tracked field (all
    but ``exclude``; the object's id is ``pgh_obj``), and a manager scoped to the firm
    (``company`` names its field), so another firm's history cannot be read. ``meta``
    goes into the model's Meta (verbose names, indexes)."""
    return pghistory.create_event_model(
        tracked,
        pghistory.InsertEvent(),
        # A save that changes nothing but an auto_now timestamp is no event.
        pghistory.UpdateEvent(condition=pghistory.AnyChange(exclude_auto=True)),
        pghistory.DeleteEvent(),
        pghistory.ManualEvent(BASELINE),
        exclude=["id", *exclude],
        attrs={"objects": scoped_manager(EventQuerySet, company=company)},
        meta={"ordering": ["pgh_id"], **meta},
    )


@dataclass
class Step:
    """One event of one object: its values before and after (None before the first
    known state and after a delete), and what the context says about the write."""

    event: Any
    before: dict | None
    after: dict | None

    @property
    def label(self):
        return self.event.pgh_label

    @property
    def context(self):
        return self.event.pgh_context or {}

    def changed(self, name):
        return (
            self.before is not None
            and self.after is not None
            and (self.before.get(name) != self.after.get(name))
        )

    def value(self, name):
        """The value after the step, or the last one before a delete."""
        return (self.after if self.after is not None else self.before or {}).get(name)


def _values(event, names):
    return {name: getattr(event, event._meta.get_field(name).attname) for name in names}


def steps(events, names):
    """The events of one object (oldest first) as Steps over the fields ``names``."""
    previous, result = None, []
    for event in events:
        values = _values(event, names)
        if event.pgh_label == DELETE:
            result.append(Step(event, before=values, after=None))
            previous = None
        else:
            result.append(Step(event, before=previous, after=values))
            previous = values
    return result


def steps_by_object(events, names):
    """Steps for events of several objects (a customer's contact persons), each object's
    compared with its own previous event."""
    by_object = {}
    for event in events:
        by_object.setdefault(event.pgh_obj_id, []).append(event)
    return sorted(
        (step for group in by_object.values() for step in steps(group, names)),
        key=lambda step: step.event.pgh_id,
    )


def diffs(step, labels, display):
    """(label, old, new) for each field of ``labels`` the step changed, shown by
    ``display(name, value)``; and what a migrated event noted in its context."""
    rows = [
        (label, display(name, step.before.get(name)), display(name, step.after.get(name)))
        for name, label in labels.items()
        if step.changed(name)
    ]
    noted = step.context.get("noted", {})
    rows += [(labels[name], *noted[name]) for name in labels if name in noted]
    return rows


@dataclass
class Change:
    """What a step means, from the app: an action, changed fields, and, where the row
    itself says when and by whom (an approval), those instead of the event's."""

    action: str
    fields: list = dataclasses.field(default_factory=list)
    at: datetime | None = None
    by: Any = None


@dataclass
class Entry:
    action: str
    at: datetime
    by: str
    fields: list


def user_names(ids):
    """{user id: name} for the ids given (the users that wrote a firm's history)."""
    ids = {pk for pk in ids if pk is not None}
    if not ids:
        return {}
    return {user.pk: str(user) for user in get_user_model()._default_manager.filter(pk__in=ids)}


def _written_together(event):
    # pghistory stamps events with the transaction's time: one key per write.
    return (event.pgh_created_at, str(event.pgh_context_id))


def entries(owner_steps, describe, *, children=(), describe_child=None, child_action=""):
    """Readable entries, newest first.

    ``describe(step)`` gives a Change or None (nothing a reader would see);
    ``describe_child(step)`` gives (label, old, new) rows, which join the entry of the
    owner's first step written in the same transaction, or make an entry of their own
    (``child_action``) when the owner did not change.
    """
    slots = [[step.event, describe(step)] for step in owner_steps]
    by_write = {}
    for slot in slots:
        by_write.setdefault(_written_together(slot[0]), []).append(slot)
    for child in children:
        rows = [] if child.label == BASELINE else describe_child(child)
        if not rows:
            continue
        same = by_write.setdefault(_written_together(child.event), [])
        if not same:
            same.append([child.event, None])
            slots.append(same[0])
        # Event tables number their rows apart, so within one write a child cannot be
        # placed between two of the owner's events: it joins the first.
        slot = same[0]
        if slot[1] is None:
            slot[1] = Change(child_action)
        slot[1].fields.extend(rows)
    found = sorted(
        ((event, change) for event, change in slots if change is not None),
        key=lambda pair: (pair[0].pgh_created_at, pair[0].pgh_id),
        reverse=True,
    )
    names = user_names(
        [(event.pgh_context or {}).get("user") for event, _ in found]
        + [change.by for _, change in found]
    )
    return [
        Entry(
            action=change.action,
            at=change.at or event.pgh_created_at,
            by=_who(event, change, names),
            fields=change.fields,
        )
        for event, change in found
    ]


def _who(event, change, names):
    if change.by is not None:
        return names.get(change.by, "")
    context = event.pgh_context or {}
    if context.get("user") is not None:
        return names.get(context["user"], "")
    if context.get("command"):
        return f"manage.py {context['command']}"
    return ""


def write_snapshots(tracked, events, *, label, context):
    """One ``label`` event for every row of ``tracked`` that has no event yet, in one
    INSERT ... SELECT: for rows written while the triggers were off (a migration that
    starts the history, a bulk load)."""
    own = {field.column for field in tracked._meta.local_concrete_fields}
    columns = [
        field.column
        for field in events._meta.local_concrete_fields
        if field.column in own and not field.name.startswith("pgh_")
    ]
    names = ", ".join(f'"{column}"' for column in columns)
    table, event_table = tracked._meta.db_table, events._meta.db_table
    pk = tracked._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{event_table}" ({names}, pgh_obj_id, pgh_label, pgh_created_at,'  # noqa: S608
            f' pgh_context) SELECT {names}, "{pk}", %s, NOW(), %s::jsonb'
            f' FROM "{table}" AS t WHERE NOT EXISTS'
            f' (SELECT 1 FROM "{event_table}" AS e WHERE e.pgh_obj_id = t."{pk}")',
            [label, json.dumps(context)],
        )


def write_baselines(apps, pairs, *, origin):
    """For a migration: a BASELINE event for every row of each (tracked, event) model
    pair without events, so the first change after it has a state to be compared with.
    ``origin`` (the migration) goes into the context."""
    for tracked_label, event_label in pairs:
        write_snapshots(
            apps.get_model(tracked_label),
            apps.get_model(event_label),
            label=BASELINE,
            context={"migration": origin},
        )


def allow_past_timestamps(event_model):
    """A migration that writes events of the past sets pgh_created_at itself; Django's
    auto_now(_add) on the (historical) model would overwrite it with now."""
    for field in event_model._meta.fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            field.auto_now = field.auto_now_add = False
