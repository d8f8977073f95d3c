"""History the database keeps: every write path leaves who, when and what, and the
card, the project and the entry show it readably, to their own firm only."""

import datetime
import io

import pghistory
import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from accounts.models import CompanyEvent, UserEvent
from accounts.permissions import Role
from customers.models import Customer, CustomerEvent
from customers.selectors import customer_history
from projects.models import ProjectMember
from timesheets.models import TimeEntry, TimeEntryEvent
from timesheets.selectors import entry_history

from .admin_forms import change_form_data
from .factories import UserFactory


def readable(fields):
    return [(str(label), old, new) for label, old, new in fields]


@pytest.fixture
def staff(db):
    return UserFactory(company=None, is_staff=True, is_superuser=True, name="Plattform")


def test_a_write_in_the_django_admin_names_the_staff_user_and_the_change(world, staff, client_for):
    Customer.objects.filter(pk=world.customer.pk).update(phone="+4741234567")
    url = f"/admin/customers/customer/{world.customer.pk}/change/"
    client = client_for(staff)
    response = client.post(url, change_form_data(client, url, phone="+47 99 88 77 66"))

    assert response.status_code == 302, response.content.decode()[:2000]
    event = CustomerEvent.objects.filter(pgh_obj=world.customer).last()
    assert event.pgh_context["user"] == staff.pk and event.pgh_context["url"] == url
    change = customer_history(world.customer)[0]
    assert (change.action, change.by) == ("endret", "Plattform")
    assert readable(change.fields) == [("Telefon", "+47 41 23 45 67", "+47 99 88 77 66")]


def test_a_bulk_update_leaves_one_event_per_row_with_who_and_what(world):
    with pghistory.context(user=world.admin.pk):
        Customer.objects.filter(company=world.company).update(is_active=False)

    change = customer_history(world.customer)[0]
    assert (change.action, change.by) == ("satt til inaktiv", "Ingrid Berg")
    assert not CustomerEvent.objects.filter(pgh_obj=world.other_customer, is_active=False)


def test_a_raw_sql_write_outside_the_services_is_recorded_too(world):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE customers_customer SET note = %s WHERE id = %s", ["Rå SQL", world.customer.pk]
        )

    change = customer_history(world.customer)[0]
    assert change.action == "endret" and change.by == ""
    assert readable(change.fields) == [("Notat", "–", "Rå SQL")]
    assert change.at == CustomerEvent.objects.filter(pgh_obj=world.customer).last().pgh_created_at


def test_a_command_names_itself_as_the_writer(db):
    call_command("demo", stdout=io.StringIO())

    customer = Customer.objects.filter(company__name="Demo Bygg AS").first()
    assert CustomerEvent.objects.filter(pgh_obj=customer).first().pgh_context["command"] == "demo"
    assert customer_history(customer)[-1].by == "manage.py demo"


def test_the_card_shows_who_changed_what_and_contact_persons(world, client_for):
    client = client_for(world.moderator)
    url = reverse("customers:detail", args=[world.customer.pk])
    data = client.get(url).context["form"].initial
    client.post(
        url,
        {
            **{k: v or "" for k, v in data.items() if k != "company"},
            "phone": "41234567",
            "version": world.customer.version,
            "contacts-TOTAL_FORMS": "2",
            "contacts-INITIAL_FORMS": "1",
            "contacts-0-id": world.contact.pk,
            "contacts-0-name": "Kari Kontakt",
            "contacts-0-phone": "99887766",
            "contacts-1-name": "Ola Ny",
            "contacts-1-title": "Daglig leder",
        },
    )

    html = client.get(url).content.decode()
    assert "Endret" in html and "Lars Moen" in html
    assert "Telefon:</span> <del>–</del> → <ins>+47 41 23 45 67</ins>" in html
    assert "Kontaktperson Kari Kontakt, telefon:" in html and "+47 99 88 77 66" in html
    assert "<ins>Ola Ny (Daglig leder)</ins>" in html


def test_the_project_page_shows_status_access_and_field_changes(world, client_for):
    client = client_for(world.admin)
    project = world.project
    client.post(
        reverse("projects:access", args=[project.pk]),
        {"access": "selected", "members": [world.employee.pk]},
    )
    client.post(reverse("projects:set_status", args=[project.pk]), {"status": "done"})

    html = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert 'id="project-history"' in html and "Ingrid Berg" in html
    assert "Satt til ferdig" in html
    assert "<del>Alle ansatte</del> → <ins>Valgte ansatte</ins>" in html
    assert "<ins>Per Hansen</ins>" in html
    assert ProjectMember.objects.filter(project=project).count() == 1


def test_an_employee_sees_no_project_history(world, client_for):
    html = client_for(world.employee).get(reverse("projects:detail", args=[world.project.pk]))
    assert 'id="project-history"' not in html.content.decode()


def test_the_entry_shows_approval_changes_after_it_and_reopening(world, client_for):
    admin = client_for(world.admin)
    admin.post(reverse("timesheets:approve"), {"entries": [world.entry.pk]})
    world.entry.refresh_from_db()
    url = reverse("timesheets:entry_update", args=[world.entry.pk])
    data = {
        "date": world.entry.date.isoformat(),
        "hours": "6",
        "project": world.project.pk,
        "customer": world.customer.pk,
        "version": world.entry.version,
    }
    assert admin.post(url, data).status_code == 302

    actions = [(change.action, change.by) for change in entry_history(world.entry)]
    assert actions[0] == ("endret etter godkjenning", "Ingrid Berg")
    assert ("godkjent", "Ingrid Berg") in actions
    html = admin.get(url).content.decode()
    assert "Timer: 7,5 → 6" in html


def test_another_firms_history_never_shows(world, client_for):
    # A crafted event in the other firm that names our customer's id.
    with pghistory.context(user=world.other_admin.pk):
        Customer.objects.filter(pk=world.other_customer.pk).update(note="Hemmelig")
    with scope(company=world.company.pk):
        ours = customer_history(world.customer)
        assert not CustomerEvent.objects.filter(pgh_obj=world.other_customer).exists()
        assert not UserEvent.objects.filter(pgh_obj=world.other_admin).exists()
        assert not CompanyEvent.objects.filter(pgh_obj=world.other_company).exists()
        assert CompanyEvent.objects.filter(pgh_obj=world.company).exists()
    assert all("Hemmelig" not in str(entry.fields) for entry in ours)
    client = client_for(world.admin)
    assert (
        client.get(reverse("customers:detail", args=[world.other_customer.pk])).status_code == 404
    )
    other_entry = reverse("timesheets:entry_update", args=[world.other_entry.pk])
    assert client.get(other_entry).status_code == 404
    other_project = reverse("projects:detail", args=[world.other_project.pk])
    assert client.get(other_project).status_code == 404


def test_history_cannot_be_changed_or_deleted(world):
    event = CustomerEvent.objects.filter(pgh_obj=world.customer).first()
    for write in (
        lambda: CustomerEvent.objects.filter(pk=event.pk).update(name="Forfalsket"),
        lambda: CustomerEvent.objects.filter(pk=event.pk).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            write()


def test_a_users_role_is_tracked_but_never_the_password_or_login(world):
    user = world.employee
    user.set_password("nytt-passord-123")
    user.save()
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    assert UserEvent.objects.filter(pgh_obj=user).count() == 1
    assert not hasattr(UserEvent, "password") and not hasattr(UserEvent, "last_login")
    with pghistory.context(user=world.admin.pk):
        type(user).objects.filter(pk=user.pk).update(role=Role.MODERATOR)
    event = UserEvent.objects.filter(pgh_obj=user).last()
    assert (event.role, event.pgh_context["user"]) == (Role.MODERATOR, world.admin.pk)


# --- the migration of the hand-written history ---------------------------------

BEFORE = [("customers", "0006_history_events"), ("timesheets", "0006_history_events")]
AFTER = [("customers", "0007_history_from_changes"), ("timesheets", "0007_history_from_changes")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_old_change_rows_into_events(world):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    CustomerChange = old.get_model("customers", "CustomerChange")
    TimeEntryChange = old.get_model("timesheets", "TimeEntryChange")
    at = timezone.now() - datetime.timedelta(days=3)
    Customer.objects.filter(pk=world.customer.pk).update(phone="+4799887766", is_active=False)
    TimeEntry.objects.filter(pk=world.entry.pk).update(
        hours=6, approved_at=at, approved_by=world.moderator
    )
    # Clear what the triggers wrote while the fixture was made: the old world had none.
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE customers_customerevent, customers_contactpersonevent,"
            " timesheets_timeentryevent"
        )
    rows = [
        ("created", {}),
        ("updated", {"phone": ["+4741234567", "+4799887766"], "contacts": ["", "Kari Kontakt"]}),
        ("deactivated", {}),
    ]
    for day, (action, changes) in enumerate(rows):
        change = CustomerChange.objects.create(
            company_id=world.company.pk,
            customer_id=world.customer.pk,
            by_id=world.moderator.pk,
            action=action,
            changes=changes,
        )
        CustomerChange.objects.filter(pk=change.pk).update(at=at + datetime.timedelta(days=day))
    TimeEntryChange.objects.create(
        company_id=world.company.pk,
        entry_id=world.entry.pk,
        by_id=world.admin.pk,
        action="changed",
        changes={"hours": ["7,5", "6"]},
    )
    TimeEntryChange.objects.create(
        company_id=world.company.pk,
        entry_id=None,
        by_id=world.admin.pk,
        action="deleted",
        changes={"entry": "02.03.2026 4 h Per Hansen"},
    )
    TimeEntry.objects.filter(pk=world.entry.pk).update(approved_at=at, approved_by=world.moderator)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    history = customer_history(world.customer)
    assert [(c.action, c.by) for c in history] == [
        ("satt til inaktiv", "Lars Moen"),
        ("endret", "Lars Moen"),
        ("opprettet", "Lars Moen"),
    ]
    assert readable(history[1].fields) == [
        ("Telefon", "+47 41 23 45 67", "+47 99 88 77 66"),
        ("Kontaktpersoner", "–", "Kari Kontakt"),
    ]
    assert history[2].at == at
    trail = entry_history(world.entry)
    assert [(c.action, c.by) for c in trail] == [
        ("endret etter godkjenning", "Ingrid Berg"),
        ("godkjent", "Lars Moen"),
    ]
    assert readable(trail[0].fields) == [("timer", "7,5", "6")]
    deleted = TimeEntryEvent.objects.get(pgh_label="delete")
    assert deleted.pgh_obj_id is None and str(deleted.hours) == "4.00"
    assert deleted.pgh_context["entry"] == "02.03.2026 4 h Per Hansen"


def test_platform_staff_read_the_events_in_the_django_admin_and_change_none(
    world, staff, client_for
):
    client = client_for(staff)
    listing = client.get(reverse("admin:customers_customerevent_changelist"))
    assert listing.status_code == 200
    assert client.get(reverse("admin:pghistory_events_changelist")).status_code == 200
    event = CustomerEvent.objects.filter(pgh_obj=world.customer).first()
    change = reverse("admin:customers_customerevent_change", args=[event.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"name": "Forfalsket"}).status_code == 403
    assert client.get(reverse("admin:customers_customerevent_add")).status_code == 403
    delete = reverse("admin:customers_customerevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
