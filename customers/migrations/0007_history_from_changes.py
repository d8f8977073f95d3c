"""The hand-written history (CustomerChange) becomes events, as the triggers write them.

A change row said who, when, the action and, for an edit, {field: [old, new]}; an event
is the customer as it was after the change. Starting from the customer as it is now,
each change is undone in turn (newest first), which gives the customer as it was after
every earlier change: who, when, the action and every field diff survive.

What cannot be rebuilt, and what is done instead:
- the contact persons as they were: a change row only kept their names before and after
  ("Kari Kontakt, Ola Ny" -> "Ola Ny"); that text travels in the event's context
  ("noted") and the card shows it as before;
- ``version`` of an earlier state is that of today's row;
- before a restore the customer was deleted; when, if no deletion row says so, is taken
  to be the restore's time.

Every customer and contact person without events then gets a baseline event: the state
the first triggered change is compared with.
"""

from django.db import migrations

from core.history import BASELINE, allow_past_timestamps, write_baselines

ORIGIN = "customers.0005_history_from_changes"


def _before(state, change, fields, deletions):
    """``state`` (the customer after ``change``) as it was before it."""
    state = dict(state)
    if change.action == "updated":
        for name, (old, _new) in change.changes.items():
            if name in fields:
                state[fields[name].attname] = fields[name].to_python(old)
    elif change.action == "activated":
        state["is_active"] = False
    elif change.action == "deactivated":
        state["is_active"] = True
    elif change.action == "deleted":
        state["deleted_at"] = state["deleted_by_id"] = None
    elif change.action == "restored":
        deleted = next((row for row in reversed(deletions) if row.at < change.at), None)
        state["deleted_at"] = deleted.at if deleted else change.at
        state["deleted_by_id"] = deleted.by_id if deleted else change.by_id
    return state


def _noted(change):
    if change.action == "updated" and "contacts" in change.changes:
        old, new = change.changes["contacts"]
        return {"noted": {"contacts": [old or "–", new or "–"]}}
    return {}


def _events(customer, changes, fields, Event):
    state = {field.attname: getattr(customer, field.attname) for field in fields.values()}
    deletions = [change for change in changes if change.action == "deleted"]
    after = []
    for change in reversed(changes):
        snapshot = dict(state)
        if change.action == "updated":
            snapshot.update(updated_at=change.at, updated_by_id=change.by_id)
        after.append((change, snapshot))
        state = _before(state, change, fields, deletions)
    after.reverse()
    events = []
    if changes[0].action != "created":
        events.append((BASELINE, customer.created_at, {"migration": ORIGIN}, state))
    for change, snapshot in after:
        label = "insert" if change.action == "created" else "update"
        context = {"user": change.by_id, "migration": ORIGIN, **_noted(change)}
        events.append((label, change.at, context, snapshot))
    return [
        Event(
            pgh_label=label,
            pgh_created_at=at,
            pgh_context=context,
            pgh_obj_id=customer.pk,
            **values,
        )
        for label, at, context, values in events
    ]


def forwards(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    CustomerChange = apps.get_model("customers", "CustomerChange")
    CustomerEvent = apps.get_model("customers", "CustomerEvent")
    allow_past_timestamps(CustomerEvent)
    own = {field.name for field in Customer._meta.local_concrete_fields}
    fields = {
        field.name: field
        for field in CustomerEvent._meta.local_concrete_fields
        if field.name in own and not field.name.startswith("pgh_")
    }
    by_customer = {}
    for change in CustomerChange.objects.order_by("at", "id").iterator():
        by_customer.setdefault(change.customer_id, []).append(change)
    customers = Customer.objects.in_bulk(list(by_customer))
    for customer_id, changes in by_customer.items():
        CustomerEvent.objects.bulk_create(
            _events(customers[customer_id], changes, fields, CustomerEvent)
        )
    write_baselines(
        apps,
        [
            ("customers.Customer", "customers.CustomerEvent"),
            ("customers.ContactPerson", "customers.ContactPersonEvent"),
        ],
        origin=ORIGIN,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0006_history_events"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False),
    ]
