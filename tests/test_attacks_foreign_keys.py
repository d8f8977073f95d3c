"""Crafted requests that put another firm's ids into every field that names an object.

Each is refused (a field error with 422, or a 404), shows nothing of the other firm,
changes nothing of it, and saves nothing of ours; fields a form does not have (the
firm, the owner of an entry) are ignored, whatever id they carry.
"""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.permissions import Role
from customers.models import ContactPerson, ContactPersonEvent, Customer, CustomerEvent
from projects.models import Project, ProjectEvent, ProjectMember, ProjectMemberEvent
from timesheets.models import TimeEntry, TimeEntryEvent

from .factories import ContactPersonFactory, UserFactory

MODELS = [Customer, ContactPerson, Project, ProjectMember, TimeEntry, User]
# Their history, and ours: a refused request leaves no event either.
MODELS += [CustomerEvent, ContactPersonEvent, ProjectEvent, ProjectMemberEvent, TimeEntryEvent]
# What the other firm calls its things: none of it may appear in our answers.
THEIR_NAMES = ["Fremmed Kunde", "Fremmed Kontakt", "Fremmed Prosjekt", "Fremmed arbeid"]
THEIR_NAMES += ["Ola Nilsen", "Frida Fremmed"]


@pytest.fixture
def theirs(world):
    other = world.other_company
    world.other_contact = ContactPersonFactory(
        customer=world.other_customer, name="Fremmed Kontakt"
    )
    world.other_employee = UserFactory(company=other, role=Role.EMPLOYEE, name="Frida Fremmed")
    Project.objects.filter(pk=world.other_project.pk).update(name="Fremmed Prosjekt")
    TimeEntry.objects.filter(pk=world.other_entry.pk).update(description="Fremmed arbeid")
    return world


def project_form(w, **changes):
    return {
        "name": "Nytt kjøkken",
        "number": "90001",  # above what ProjectFactory's 1000 + n reaches in a run
        "customer": "",
        "estimated_hours": "10",
        "version": w.project.version,
        **changes,
    }


def entry_form(w, **changes):
    return {
        "date": "2026-03-05",
        "hours": "7,5",
        "project": "",
        "customer": "",
        "description": "Vårt arbeid",
        "no_project": "on",  # neither project nor customer, as meant
        "version": w.entry.version,
        **changes,
    }


def card_form(w, **changes):
    c = w.customer
    return {
        "name": c.name,
        "number": c.number,
        "kind": c.kind,
        "version": c.version,
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "1",
        "contacts-0-id": w.contact.pk,
        "contacts-0-name": w.contact.name,
        **changes,
    }


@dataclass(frozen=True)
class Attack:
    name: str
    method: str
    url: object  # world -> URL
    data: object  # world -> GET or POST data
    status: int
    field: str = ""  # the form field that must carry the error
    check: object = None  # world -> None, asserts what was (not) saved


def url(name, *args):
    return lambda w: reverse(name, args=[getattr(w, a).pk for a in args])


def only_ours_approved(w):
    assert list(TimeEntry.objects.approved()) == [w.entry]


def contact_id_is_ignored(w):
    assert w.customer.contacts.count() == 2  # theirs was not moved onto our card


def saved_in_our_firm(model, **lookup):
    def check(w):
        obj = model.objects.get(**lookup)
        assert obj.company_id == w.company.pk
        if model is TimeEntry:
            assert obj.user == w.admin

    return check


ATTACKS = [
    # Projects: the customer picker, and the employees chosen for access.
    Attack(
        "project create: customer",
        "post",
        url("projects:create"),
        lambda w: project_form(w, customer=w.other_customer.pk),
        422,
        "customer",
    ),
    Attack(
        "project update: customer",
        "post",
        url("projects:update", "project"),
        lambda w: project_form(w, number=w.project.number, customer=w.other_customer.pk),
        422,
        "customer",
    ),
    Attack(
        "project access: members",
        "post",
        url("projects:access", "project"),
        lambda w: {"access": "selected", "members": [w.other_admin.pk, w.other_employee.pk]},
        422,
        "members",
    ),
    # Hours: project and customer pickers, when logging and when changing.
    Attack(
        "entry create: project",
        "post",
        url("timesheets:entry_create"),
        lambda w: entry_form(w, project=w.other_project.pk),
        422,
        "project",
    ),
    Attack(
        "entry create: customer",
        "post",
        url("timesheets:entry_create"),
        lambda w: entry_form(w, customer=w.other_customer.pk),
        422,
        "customer",
    ),
    Attack(
        "entry update: project",
        "post",
        url("timesheets:entry_update", "entry"),
        lambda w: entry_form(w, project=w.other_project.pk),
        422,
        "project",
    ),
    Attack(
        "entry update: customer",
        "post",
        url("timesheets:entry_update", "entry"),
        lambda w: entry_form(w, customer=w.other_customer.pk),
        422,
        "customer",
    ),
    # Approval: one entry, a selection, a week of a user.
    Attack(
        "approve: entry",
        "post",
        url("timesheets:approve"),
        lambda w: {"entry": w.other_entry.pk},
        302,
    ),
    Attack(
        "approve: selection",
        "post",
        url("timesheets:approve"),
        lambda w: {"entries": [w.entry.pk, w.other_entry.pk]},
        302,
        check=only_ours_approved,
    ),
    Attack(
        "approve: week of a user",
        "post",
        url("timesheets:approve"),
        lambda w: {"user": w.other_admin.pk, "week": "2026-W10"},
        404,
    ),
    # Their customer, their users, by URL.
    Attack(
        "customer status",
        "post",
        url("customers:status", "other_customer"),
        lambda w: {"active": "0"},
        404,
    ),
    Attack("customer delete", "post", url("customers:delete", "other_customer"), lambda w: {}, 404),
    Attack(
        "user update",
        "post",
        url("accounts:user_update", "other_employee"),
        lambda w: {"name": "Overtatt", "role": Role.ADMIN},
        404,
    ),
    Attack(
        "user set active",
        "post",
        url("accounts:user_set_active", "other_employee"),
        lambda w: {"active": "0"},
        404,
    ),
    Attack(
        "week of a user", "get", url("timesheets:week"), lambda w: {"user": w.other_admin.pk}, 404
    ),
    # Filters and pre-selections: invalid choices, shown as such and ignored.
    Attack(
        "overview filters",
        "get",
        url("timesheets:overview"),
        lambda w: {
            "user": w.other_admin.pk,
            "customer": w.other_customer.pk,
            "project": w.other_project.pk,
            "date_from": "2000-01-01",
            "date_to": "2100-01-01",
        },
        200,
        "user",
    ),
    Attack(
        "export filters",
        "get",
        url("timesheets:export_csv"),
        lambda w: {
            "user": w.other_admin.pk,
            "customer": w.other_customer.pk,
            "project": w.other_project.pk,
            "date_from": "2000-01-01",
            "date_to": "2100-01-01",
        },
        200,
    ),
    Attack(
        "hours form: customer of a chosen project",
        "get",
        url("timesheets:customer_field"),
        lambda w: {"project": w.other_project.pk, "customer": w.other_customer.pk},
        200,
    ),
    Attack(
        "project form: pre-selected customer",
        "get",
        url("projects:create"),
        lambda w: {"customer": w.other_customer.pk},
        200,
    ),
]


# Fields the forms do not have: whatever they carry, the firm and owner are ours.
ATTACKS += [
    Attack(
        "customer card: a contact person's id",
        "post",
        url("customers:detail", "customer"),
        lambda w: card_form(
            w,
            **{
                "contacts-TOTAL_FORMS": "2",
                "contacts-1-id": w.other_contact.pk,
                "contacts-1-name": "Ny Kontakt",
            },
        ),
        302,
        check=contact_id_is_ignored,
    ),
    Attack(
        "customer create: firm",
        "post",
        url("customers:create"),
        lambda w: {
            "name": "Vår Nye Kunde",
            "number": "30001",
            "kind": "company",
            "company": w.other_company.pk,
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
        },
        302,
        check=saved_in_our_firm(Customer, name="Vår Nye Kunde"),
    ),
    Attack(
        "project create: firm",
        "post",
        url("projects:create"),
        lambda w: project_form(w, company=w.other_company.pk),
        302,
        check=saved_in_our_firm(Project, name="Nytt kjøkken"),
    ),
    Attack(
        "entry create: firm and owner",
        "post",
        url("timesheets:entry_create"),
        lambda w: entry_form(w, company=w.other_company.pk, user=w.other_admin.pk),
        302,
        check=saved_in_our_firm(TimeEntry, description="Vårt arbeid"),
    ),
    Attack(
        "user create: firm",
        "post",
        url("accounts:user_create"),
        lambda w: {
            "name": "Nina Ny",
            "email": "nina@demo.no",
            "role": Role.EMPLOYEE,
            "company": w.other_company.pk,
        },
        302,
        check=saved_in_our_firm(User, email="nina@demo.no"),
    ),
]


def their_rows(world):
    other = world.other_company
    return {
        model.__name__: list(model.objects.filter(company=other).order_by("pk").values())
        for model in MODELS
    }


def our_counts(world):
    return {model.__name__: model.objects.filter(company=world.company).count() for model in MODELS}


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.name)
def test_another_firms_ids_are_refused_and_reveal_nothing(attack, theirs, client_for):
    w = theirs
    before, ours = their_rows(w), our_counts(w)
    client = client_for(w.admin)

    response = getattr(client, attack.method)(attack.url(w), attack.data(w))

    assert response.status_code == attack.status, body(response)[:2000]
    text = body(response)
    for name in THEIR_NAMES:
        assert name not in text, f"{attack.name} revealed {name!r}"
    if attack.field:
        assert attack.field in response.context["form"].errors
    assert their_rows(w) == before, f"{attack.name} changed the other firm's data"
    if attack.check:
        attack.check(w)
    elif attack.method == "post":
        after = our_counts(w)
        assert after == ours, f"{attack.name} saved something"
