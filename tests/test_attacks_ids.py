"""Every URL that takes an id answers 404, never a 500, for an id that is not one of
ours: too big for the database, another firm's, deleted, or simply unknown.

The URL patterns are read from the resolver, so a new URL with an id is covered as
soon as it exists (and fails here until its id is mapped to an object kind).
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import User
from customers import services as customer_services
from customers.models import Customer
from invoicing.models import InvoiceBasis, JobLine
from projects import services as project_services
from projects.models import Project
from timesheets import services as entry_services
from timesheets.models import TimeEntry
from worktime.models import Absence, AbsenceType, DayOff

from .factories import (
    AbsenceFactory,
    AbsenceTypeFactory,
    CustomerFactory,
    JobLineFactory,
    ProjectFactory,
    TimeEntryFactory,
)

# Matches <int:pk> but overflows PostgreSQL's bigint.
HUGE = 99999999999999999999

# Which object the id of each app's URLs names.
KINDS = {
    "customers": (Customer, "customer", "other_customer"),
    "projects": (Project, "project", "other_project"),
    "timesheets": (TimeEntry, "entry", "other_entry"),
    "accounts": (User, "employee2", "other_admin"),
    "invoicing": (InvoiceBasis, None, lambda world: other_firms_basis(world)),
}
# Working time's URLs name an employee, an absence or a firm's day off; ``theirs`` may
# also make the other firm's object.
URL_KINDS = {
    "worktime:employee": KINDS["accounts"],
    "worktime:timebank_start": KINDS["accounts"],
    "worktime:holiday_allowance": KINDS["accounts"],
    "worktime:absence_withdraw": (Absence, None, lambda w: AbsenceFactory(user=w.other_admin)),
    "worktime:absence_decide": (Absence, None, lambda w: AbsenceFactory(user=w.other_admin)),
    # Materials and driving: added to an entry or a project; changed by the line's id.
    "invoicing:line_create_entry": KINDS["timesheets"],
    "invoicing:line_create_project": KINDS["projects"],
    **{
        f"invoicing:line_{action}": (JobLine, None, lambda w: JobLineFactory(entry=w.other_entry))
        for action in ("update", "delete", "approve")
    },
    "worktime:day_off_delete": (
        DayOff,
        None,
        lambda w: DayOff.objects.create(company=w.other_company, date="2026-12-24", name="Jul"),
    ),
    **{
        f"worktime:absence_type_{action}": (
            AbsenceType,
            None,
            lambda w: AbsenceTypeFactory(company=w.other_company),
        )
        for action in ("update", "delete")
    },
}


def kind_of(name):
    return URL_KINDS.get(name) or KINDS[name.split(":")[0]]


def other_firms_basis(world):
    """The world has no invoice basis: one of the other firm's, made for the test."""
    return InvoiceBasis.objects.create(
        company=world.other_company,
        number=1,
        customer=world.other_customer,
        date_from=world.other_entry.date,
        date_to=world.other_entry.date,
        net=0,
        mva=0,
        total=0,
        invoiced_at=timezone.now(),
        invoiced_by=world.other_admin,
    )


def id_routes(resolver=None, namespace=""):
    """(URL name, the name of its id kwarg) for every URL pattern with an int id."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # platform staff only; tests/test_accounts_admin.py
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from id_routes(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            converters = getattr(pattern.pattern, "converters", {})
            ints = [name for name, conv in converters.items() if conv.regex == "[0-9]+"]
            if ints:
                yield f"{namespace}{pattern.name}", ints


ROUTES = sorted((name, tuple(kwargs)) for name, kwargs in id_routes())


def test_every_url_with_an_id_is_mapped_to_an_object_kind():
    assert ROUTES, "the resolver walk found no URL with an id"
    for name, kwargs in ROUTES:
        assert kwargs == ("pk",), f"{name}: map its id kwargs {kwargs} in this test"
        assert name in URL_KINDS or name.split(":")[0] in KINDS, (
            f"{name}: which object does its id name?"
        )


def deleted_id(world, kind):
    """An object of our firm that was deleted the way the app deletes it: customers
    and projects are soft-deleted, entries really deleted; users are only deactivated
    (and stay editable), so for them this is an unknown id."""
    if kind is Customer:
        customer = CustomerFactory(company=world.company, name="Slettet Kunde")
        customer_services.customer_delete(customer=customer, by=world.admin)
        return customer.pk
    if kind is Project:
        project = ProjectFactory(company=world.company, name="Slettet prosjekt")
        project_services.project_delete(project=project, by=world.admin)
        return project.pk
    if kind is TimeEntry:
        entry = TimeEntryFactory(user=world.admin)
        entry_services.entry_delete(entry=entry, by=world.admin)
        return entry.pk
    return unknown_id(kind)


def unknown_id(kind):
    return (kind.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


# Deleting a customer twice (a double click, a second tab) lands on the list like the
# first delete did; it reveals nothing and changes nothing.
EXCEPTIONS = {("customers:delete", "post", "deleted"): 302}


@pytest.mark.parametrize("name", [name for name, _ in ROUTES])
def test_an_id_that_is_not_ours_is_a_404_never_a_500(name, world, client_for):
    kind, _ours, theirs = kind_of(name)
    ids = {
        "huge": HUGE,
        "zero": 0,
        "other firm": (theirs(world) if callable(theirs) else getattr(world, theirs)).pk,
        "deleted": deleted_id(world, kind),
        "unknown": unknown_id(kind),
    }
    before = snapshot(world)
    client = client_for(world.admin)
    looked_up = False
    for case, pk in ids.items():
        url = reverse(name, kwargs={"pk": pk})
        for method in ("get", "post"):
            status = getattr(client, method)(url).status_code
            expected = EXCEPTIONS.get((name, method, case), 404)
            # 405: the URL does not take this method at all (checked before any id).
            assert status in (expected, 405), f"{method.upper()} {name} with {case} id: {status}"
            looked_up |= status == expected
    assert looked_up, f"{name} answered 405 to every method"
    assert snapshot(world) == before


def snapshot(world):
    """What the other firm has, as it stands."""
    other = world.other_company
    return [
        list(model.objects.filter(company=other).order_by("pk").values())
        for model in (Customer, Project, TimeEntry, User)
    ]


# Ids in query strings and form fields: a letter, a number too big for the database,
# another firm's object. Never a 500; a page about a user who is not ours is a 404.
@pytest.mark.parametrize(
    ("method", "name", "params", "statuses"),
    [
        ("get", "timesheets:week", {"user": "abc"}, {404}),
        ("get", "timesheets:week", {"user": str(HUGE)}, {404}),
        ("get", "timesheets:week", {"user": "-1"}, {404}),
        ("post", "timesheets:approve", {"user": "abc", "week": "2026-W10"}, {404}),
        ("post", "timesheets:approve", {"user": str(HUGE), "week": "2026-W10"}, {404}),
        ("post", "timesheets:approve", {"entry": str(HUGE)}, {302}),
        ("post", "timesheets:approve", {"entries": [str(HUGE), "x", ""]}, {302}),
        ("get", "timesheets:customer_field", {"project": str(HUGE), "customer": "x"}, {200}),
        ("get", "timesheets:overview", {"user": str(HUGE), "customer": "x"}, {200}),
        ("get", "timesheets:export_csv", {"project": str(HUGE), "user": "-1"}, {200}),
        ("get", "projects:create", {"customer": str(HUGE)}, {200}),
        ("get", "timesheets:entry_create", {"date": "2026-02-31"}, {200}),
    ],
    ids=lambda value: "&".join(value) if isinstance(value, dict) else None,
)
def test_a_malformed_id_in_a_query_or_form_is_never_a_500(
    world, client_for, method, name, params, statuses
):
    response = getattr(client_for(world.admin), method)(reverse(name), params)
    assert response.status_code in statuses
