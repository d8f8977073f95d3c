import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from timesheets.models import TimeEntry
from timesheets.selectors import entry_history

from .factories import CustomerFactory, ProjectFactory, TimeEntryFactory

WEEK_URL = reverse("timesheets:week")
THURSDAY = datetime.date(2026, 3, 5)  # week 10 of 2026: 02.03.-08.03.
HTMX = {"HTTP_HX_REQUEST": "true"}


def approve(entry, by):
    TimeEntry.objects.filter(pk=entry.pk).update(approved_at=timezone.now(), approved_by=by)
    entry.refresh_from_db()
    return entry


# Week ------------------------------------------------------------------------


def test_week_shows_the_users_entries_per_day_with_norwegian_totals(world, client_for):
    TimeEntryFactory(
        user=world.employee,
        date=THURSDAY,
        hours=Decimal("7.5"),
        project=world.project,
        customer=world.customer,
    )
    TimeEntryFactory(user=world.employee, date=THURSDAY, hours=Decimal("1.25"))
    TimeEntryFactory(
        user=world.employee, date=THURSDAY + datetime.timedelta(days=1), hours=Decimal("8")
    )
    TimeEntryFactory(
        user=world.employee2, date=THURSDAY, hours=Decimal("3"), description="Ikke min"
    )
    response = client_for(world.employee).get(WEEK_URL, {"week": "2026-W10"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Uke 10" in html and "02.03.–08.03.2026" in html
    assert "Torsdag" in html and "05.03.2026" in html
    assert "8,75 t" in html  # Thursday
    assert "16,75 t" in html  # the week
    assert "Nytt bad" in html and "Kari Nordmann" in html
    assert "Ikke min" not in html
    days = response.context["days"]
    assert [d.date.weekday() for d in days] == list(range(7))  # Monday first


def test_week_defaults_to_this_week_and_survives_a_malformed_parameter(world, client_for):
    client = client_for(world.employee)
    today = timezone.localdate()
    for query in ({}, {"week": "nonsense"}, {"week": "2026-W60"}):
        week = client.get(WEEK_URL, query).context["week"]
        assert week.monday <= today <= week.sunday


def test_previous_and_next_week_work_with_and_without_htmx(world, client_for):
    client = client_for(world.employee)
    page = client.get(WEEK_URL, {"week": "2026-W01"}).content.decode()
    assert (
        'href="/timesheets/?week=2025-W52"' in page and 'href="/timesheets/?week=2026-W02"' in page
    )
    fragment = client.get(WEEK_URL, {"week": "2025-W52"}, **HTMX).content.decode()
    assert "<html" not in fragment and 'id="week"' in fragment and "Uke 52" in fragment


def test_a_manager_opens_an_employees_week_and_another_firm_gets_404(world, client_for):
    for manager in (world.admin, world.moderator):
        response = client_for(manager).get(WEEK_URL, {"user": world.employee.pk})
        assert response.context["subject"] == world.employee
        assert "Timer for Per Hansen" in response.content.decode()
    # An employee asking for someone else's week just sees their own.
    assert (
        client_for(world.employee2).get(WEEK_URL, {"user": world.employee.pk}).context["subject"]
        == world.employee2
    )
    assert (
        client_for(world.other_admin).get(WEEK_URL, {"user": world.employee.pk}).status_code == 404
    )


def test_week_view_query_count_does_not_grow_with_entries(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(world.employee)
    client.get(WEEK_URL)  # warm up the session and the user
    with django_assert_max_num_queries(8) as few:
        client.get(WEEK_URL)
    TimeEntryFactory.create_batch(
        30, user=world.employee, project=world.project, customer=world.customer
    )
    TimeEntryFactory.create_batch(
        10, user=world.employee, project=ProjectFactory(company=world.company)
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(WEEK_URL)
    assert len(response.context["days"][timezone.localdate().weekday()].entries) == 41


# Create ----------------------------------------------------------------------


def test_logging_hours_with_a_decimal_comma_and_the_projects_customer(world, client_for):
    response = client_for(world.employee).post(
        reverse("timesheets:entry_create"),
        {
            "date": "2026-03-05",
            "hours": "7,5",
            "project": world.project.pk,
            "description": "Flislegging",
        },
    )
    assert response.status_code == 302
    entry = TimeEntry.objects.get(description="Flislegging")
    # The week, with the new entry marked and scrolled to.
    assert response["Location"] == f"/timesheets/?week=2026-W10&saved={entry.pk}#entry-{entry.pk}"
    assert (entry.user, entry.hours, entry.customer, entry.company) == (
        world.employee,
        Decimal("7.50"),
        world.customer,
        world.company,
    )


def test_the_form_defaults_to_today_or_the_chosen_day(world, client_for):
    client = client_for(world.employee)
    form = client.get(reverse("timesheets:entry_create")).context["form"]
    assert form["date"].value() == timezone.localdate()
    html = client.get(reverse("timesheets:entry_create"), {"date": "2026-11-24"}).content.decode()
    assert 'value="24.11.2026"' in html


def test_logging_from_to_with_a_break(world, client_for):
    client_for(world.employee).post(
        reverse("timesheets:entry_create"),
        {"date": "05.03.2026", "start_time": "07:00", "end_time": "15:00", "break_minutes": "30"},
    )
    assert TimeEntry.objects.latest("id").hours == Decimal("7.50")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"hours": ""}, "hours"),
        ({"hours": "0"}, "hours"),
        ({"hours": "24,5"}, "hours"),
        ({"hours": "sju"}, "hours"),
        ({"hours": "1,234"}, "hours"),
        ({"hours": "NaN"}, "hours"),
        ({"hours": "1e100"}, "hours"),
        ({"start_time": "08:00"}, "end_time"),
        ({"hours": "2", "start_time": "07:00", "end_time": "15:00"}, "hours"),
        ({"start_time": "15:00", "end_time": "07:00"}, "end_time"),
        ({"start_time": "08:00", "end_time": "09:00", "break_minutes": "90"}, "break_minutes"),
        ({"hours": "2", "date": "31.02.2026"}, "date"),
    ],
)
def test_bad_input_gets_a_field_error_and_422(world, client_for, data, field):
    before = TimeEntry.objects.count()
    response = client_for(world.employee).post(
        reverse("timesheets:entry_create"), {"date": "2026-03-05", **data}
    )
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert f'id="id_{field}_error"' in response.content.decode()
    assert TimeEntry.objects.count() == before


def test_htmx_create_returns_the_week_in_place_and_closes_the_dialog(world, client_for):
    client = client_for(world.employee)
    form = client.get(reverse("timesheets:entry_create"), **HTMX).content.decode()
    assert "<html" not in form and "<form" in form
    response = client.post(
        reverse("timesheets:entry_create"),
        {"date": "2026-03-05", "hours": "7,5", "project": world.project.pk},
        **HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#week" and response["HX-Reswap"] == "outerHTML"
    assert "closeDialog" in response["HX-Trigger"]
    html = response.content.decode()
    assert "<html" not in html and "Uke 10" in html and "7,5 t" in html


def test_htmx_create_with_errors_returns_only_the_form(world, client_for):
    response = client_for(world.employee).post(
        reverse("timesheets:entry_create"), {"date": "2026-03-05"}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 422 and "<html" not in html and 'id="id_hours_error"' in html


# Edit and delete ---------------------------------------------------------------


def edit_data(entry, **changes):
    return {
        "date": entry.date.isoformat(),
        "hours": str(entry.hours),
        "project": entry.project_id or "",
        "customer": entry.customer_id or "",
        "description": entry.description,
        "version": entry.version,
        **changes,
    }


def test_the_owner_edits_an_open_entry(world, client_for):
    url = reverse("timesheets:entry_update", args=[world.entry.pk])
    client = client_for(world.employee)
    assert 'value="7,5"' in client.get(url).content.decode()
    response = client.post(url, edit_data(world.entry, hours="6,5"))
    assert response.status_code == 302
    world.entry.refresh_from_db()
    assert world.entry.hours == Decimal("6.50") and world.entry.version == 2


def test_a_second_save_of_the_same_version_is_refused_and_keeps_the_input(world, client_for):
    url = reverse("timesheets:entry_update", args=[world.entry.pk])
    client = client_for(world.employee)
    client.post(url, edit_data(world.entry, hours="6"))
    response = client.post(url, edit_data(world.entry, hours="3", description="Min tekst"))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Noen andre har endret" in html and "Min tekst" in html
    world.entry.refresh_from_db()
    assert world.entry.hours == Decimal("6.00")
    # The form now carries the new version: saving again works.
    assert 'name="version" value="2"' in html


def test_nobody_else_in_the_firm_may_edit_or_delete_an_open_entry_but_an_admin(world, client_for):
    for url_name in ("timesheets:entry_update", "timesheets:entry_delete"):
        url = reverse(url_name, args=[world.entry.pk])
        assert client_for(world.employee2).get(url).status_code == 404
        assert client_for(world.moderator).get(url).status_code == 403
        assert client_for(world.other_admin).get(url).status_code == 404
        assert client_for(world.admin).get(url).status_code == 200
    assert (
        client_for(world.employee2)
        .post(reverse("timesheets:entry_delete", args=[world.entry.pk]))
        .status_code
        == 404
    )
    assert TimeEntry.objects.filter(pk=world.entry.pk).exists()


def test_an_approved_entry_is_locked_for_its_owner(world, client_for):
    approve(world.entry, world.moderator)
    client = client_for(world.employee)
    opened = client.get(reverse("timesheets:entry_update", args=[world.entry.pk]))
    assert opened.status_code == 403  # with the reason, not the role message
    assert "Denne timeføringen er godkjent og kan ikke lenger endres." in opened.text
    assert (
        client.post(
            reverse("timesheets:entry_update", args=[world.entry.pk]),
            edit_data(world.entry, hours="1"),
        ).status_code
        == 409  # refused, with the reason in the form
    )
    assert client.post(reverse("timesheets:entry_delete", args=[world.entry.pk])).status_code == 403
    world.entry.refresh_from_db()
    assert world.entry.hours == Decimal("7.50")
    html = client.get(WEEK_URL).content.decode()
    assert "Godkjent" in html
    assert reverse("timesheets:entry_update", args=[world.entry.pk]) not in html


def test_an_admin_changes_an_approved_entry_and_it_is_recorded(world, client_for):
    approve(world.entry, world.moderator)
    url = reverse("timesheets:entry_update", args=[world.entry.pk])
    response = client_for(world.admin).post(
        url, {**edit_data(world.entry, hours="7"), "next": "/timesheets/overview/"}
    )
    assert response.status_code == 302 and response["Location"] == "/timesheets/overview/"
    change = entry_history(world.entry)[0]
    assert change.by == "Ingrid Berg" and (change.fields[0][1:]) == ("7,5", "7")
    html = client_for(world.admin).get(url).content.decode()
    assert "Endringer etter godkjenning" in html and "Ingrid Berg" in html
    assert "Timer: 7,5 → 7" in html


def test_the_owner_deletes_an_open_entry_with_and_without_htmx(world, client_for):
    client = client_for(world.employee)
    url = reverse("timesheets:entry_delete", args=[world.entry.pk])
    assert "Slett timeføring?" in client.get(url).content.decode()
    other = TimeEntryFactory(user=world.employee, date=world.entry.date)
    response = client.post(url)
    assert response.status_code == 302
    response = client.post(reverse("timesheets:entry_delete", args=[other.pk]), **HTMX)
    assert response.status_code == 200 and 'id="week"' in response.content.decode()
    assert not TimeEntry.objects.alive().filter(user=world.employee).exists()


def test_write_views_reject_the_wrong_method(world, client_for):
    client = client_for(world.admin)
    assert client.get(reverse("timesheets:approve")).status_code == 405
    assert client.get(reverse("timesheets:reopen", args=[world.entry.pk])).status_code == 405
    assert client.post(WEEK_URL).status_code == 405
    assert client.post(reverse("timesheets:overview")).status_code == 405


# Overview and approval -------------------------------------------------------


def overview(client, **query):
    return client.get(reverse("timesheets:overview"), query)


def test_the_overview_filters_and_totals_per_group(world, client_for):
    other_project = ProjectFactory(company=world.company, name="Garasje")
    TimeEntryFactory(user=world.employee2, date=THURSDAY, hours=Decimal("4"), project=other_project)
    TimeEntryFactory(
        user=world.employee,
        date=THURSDAY,
        hours=Decimal("2.5"),
        project=world.project,
        customer=world.customer,
    )
    approve(TimeEntryFactory(user=world.employee, date=THURSDAY, hours=Decimal("1")), world.admin)
    TimeEntryFactory(
        user=world.employee, date=THURSDAY - datetime.timedelta(days=30), hours=Decimal("9")
    )
    client = client_for(world.moderator)
    week = {"date_from": "2026-03-02", "date_to": "2026-03-08"}
    response = overview(client, **week)
    assert response.context["total"] == Decimal("7.5")
    assert [(r["name"], r["hours"]) for r in response.context["totals"]] == [
        ("Sofie Lie", Decimal("4")),
        ("Per Hansen", Decimal("3.5")),
    ]
    by_project = overview(client, **week, group="project").context["totals"]
    assert [(r["name"], r["hours"]) for r in by_project] == [
        ("Garasje", Decimal("4")),
        ("Nytt bad", Decimal("2.5")),
        (None, Decimal("1")),
    ]
    assert overview(client, **week, user=world.employee.pk).context["total"] == Decimal("3.5")
    assert overview(client, **week, customer=world.customer.pk).context["total"] == Decimal("2.5")
    assert overview(client, **week, project=other_project.pk).context["total"] == Decimal("4")
    assert overview(client, **week, status="approved").context["total"] == Decimal("1")
    assert overview(client, **week, status="open").context["total"] == Decimal("6.5")
    html = overview(client, **week).content.decode()
    assert "7,5 t" in html and "05.03.2026" in html
    # The sum and the count are the groups' (entries without a project in one of them).
    for group in ("employee", "customer", "project"):
        context = overview(client, **week, group=group).context
        assert (context["total"], context["page"].paginator.count) == (Decimal("7.5"), 3)


def test_the_totals_per_employee_are_those_of_the_listed_entries_for_every_filter(
    world, client_for
):
    """Per employee (no customer or project chosen) the totals are summed from the
    employees' days the database keeps (timesheets.DayTally), not from the entries: for
    every filter they must still be what the listed entries add up to."""
    friday = THURSDAY + datetime.timedelta(days=1)
    TimeEntryFactory(user=world.employee, date=THURSDAY, hours=Decimal("2.5"))
    approve(TimeEntryFactory(user=world.employee, date=THURSDAY, hours=Decimal("1")), world.admin)
    approve(TimeEntryFactory(user=world.admin, date=friday, hours=Decimal("3")), world.admin)
    approve(
        TimeEntryFactory(user=world.employee2, date=friday, hours=Decimal("4")), world.moderator
    )
    gone = TimeEntryFactory(user=world.employee2, date=friday, hours=Decimal("8"))
    TimeEntry.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
    TimeEntryFactory(user=world.other_admin, date=friday, hours=Decimal("5"))  # another firm
    client = client_for(world.admin)
    for status in ("", "open", "approved", "self_approved"):
        for user in ("", world.employee.pk, world.admin.pk):
            for date_from in ("2026-03-02", "2026-03-06"):
                query = {"date_from": date_from, "date_to": "2026-03-08", "status": status}
                response = overview(client, **query, user=user)
                context = response.context
                listed = {}
                for row in context["page"].object_list:
                    listed[row.user_name] = listed.get(row.user_name, 0) + row.hours
                totals = {row["name"]: row["hours"] for row in context["totals"]}
                assert totals == listed, (status, user, date_from)
                assert context["page"].paginator.count == len(context["page"].object_list)
                assert context["total"] == sum(listed.values(), Decimal(0))
    only_own = overview(
        client, date_from="2026-03-02", date_to="2026-03-08", status="self_approved"
    )
    assert [(row["name"], row["hours"]) for row in only_own.context["totals"]] == [
        ("Ingrid Berg", Decimal("3"))
    ]


def test_the_overview_defaults_to_this_week_and_shows_bad_filters_as_errors(world, client_for):
    client = client_for(world.admin)
    response = overview(client)
    assert response.context["page"].paginator.count == 1  # world.entry, logged today
    response = overview(client, date_from="tomorrow")
    assert response.status_code == 200 and "date_from" in response.context["form"].errors


def test_the_overview_is_for_managers_and_shows_only_their_firm(world, client_for):
    assert overview(client_for(world.employee)).status_code == 403
    html = overview(client_for(world.other_admin)).content.decode()
    assert "Per Hansen" not in html and "Ola Nilsen" in html


def _row(html, entry):
    start = html.index(f'<tr id="row-{entry.pk}">')
    return html[start : html.index("</tr>", start)]


def test_each_overview_row_has_the_controls_of_its_state_for_each_role(world, client_for):
    """Open: a box and "Godkjenn" named by day and employee; approved: "Endre" and
    "Åpne igjen" for an Administrator, who may change approved hours; a Moderator's own
    open entry says someone else approves it; employees and other firms get nothing."""
    approved = TimeEntryFactory(
        user=world.employee2, approved_at=timezone.now(), approved_by=world.admin
    )
    own = TimeEntryFactory(user=world.moderator)
    day = timezone.localdate().strftime("%d.%m.%Y")
    edit = reverse("timesheets:entry_update", args=[approved.pk])
    reopen = reverse("timesheets:reopen", args=[approved.pk])
    for actor in ("admin", "moderator"):
        client = client_for(getattr(world, actor))
        response = overview(client)
        html = response.content.decode()
        open_row = _row(html, world.entry)
        assert f'aria-label="Velg {day} Per Hansen"' in open_row
        assert f'name="entry" value="{world.entry.pk}"' in open_row and "Godkjenn" in open_row
        approved_row = _row(html, approved)
        assert "Godkjent" in approved_row and "Ingrid Berg" in approved_row
        assert "checkbox" not in approved_row
        if actor == "admin":
            assert f'href="{edit}?next=' in approved_row and ">Endre<" in approved_row
            assert f'formaction="{reopen}"' in approved_row and ">Åpne igjen<" in approved_row
            assert client.get(edit).status_code == 200  # the link works
        else:  # a Moderator does not change approved hours
            assert "Endre" not in approved_row and "formaction" not in approved_row
        own_row = _row(html, own)
        if actor == "moderator":
            assert "checkbox" not in own_row
            assert "Din egen: noen andre godkjenner den" in own_row
        else:
            # An Administrator may approve the moderator's entry.
            assert "checkbox" in own_row and "noen andre" not in own_row
    assert client_for(world.admin).post(reopen).status_code == 302
    approved.refresh_from_db()
    assert approved.approved_at is None
    assert overview(client_for(world.employee)).status_code == 403
    assert "Per Hansen" not in overview(client_for(world.other_admin)).content.decode()


def test_an_overview_row_shows_its_names_as_text_and_its_description_cut(world, client_for):
    """The rows are written by Python (timesheets/rows.py): what users typed is escaped,
    a long description is cut at 80 characters, a deleted customer is named so, an
    invoiced entry is only shown, and each link brings the user back to these filters."""
    world.employee.name = "<i>Per</i> & Co"
    world.employee.save()
    customer = CustomerFactory(company=world.company, name='<b>"Bad"</b>')
    long = "<script>alert(1)</script>" + "x" * 100
    typed = TimeEntryFactory(user=world.employee, customer=customer, description=long)
    customer.deleted_at = timezone.now()
    customer.save()
    invoiced = TimeEntryFactory(
        user=world.employee2,
        approved_at=timezone.now(),
        approved_by=world.admin,
        invoiced_at=timezone.now(),
    )
    client = client_for(world.admin)
    html = overview(client, status="", group="employee").content.decode()

    row = _row(html, typed)
    assert "<script>" not in html and "<i>Per" not in html and "<b>" not in html
    assert "&lt;i&gt;Per&lt;/i&gt; &amp; Co" in row
    assert "&lt;b&gt;&quot;Bad&quot;&lt;/b&gt; (slettet)" in row
    shown = ("<script>alert(1)</script>" + "x" * 100)[:79] + "…"
    assert shown.replace("<", "&lt;").replace(">", "&gt;") in row
    edit = reverse("timesheets:entry_update", args=[typed.pk])
    assert f'href="{edit}?next=/timesheets/overview/%3Fstatus%3D%26group%3Demployee"' in row
    invoiced_row = _row(html, invoiced)
    assert "Fakturert" in invoiced_row and ">Vis<" in invoiced_row
    assert ">Endre<" not in invoiced_row and "formaction" not in invoiced_row


def test_overview_query_count_does_not_grow_with_entries(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(world.admin)
    overview(client)
    with django_assert_max_num_queries(10) as few:
        overview(client)
    for i in range(60):
        TimeEntryFactory(
            user=[world.employee, world.employee2][i % 2],
            project=world.project,
            customer=world.customer,
        )
    approve(TimeEntryFactory(user=world.employee), world.moderator)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = overview(client)
    assert response.context["page"].paginator.count == 62


def test_approving_one_entry(world, client_for):
    other = TimeEntryFactory(user=world.employee)
    response = client_for(world.moderator).post(
        reverse("timesheets:approve"),
        {
            "entry": world.entry.pk,
            "entries": [other.pk],
            "next": "/timesheets/overview/?status=open",
        },
    )
    assert (
        response.status_code == 302 and response["Location"] == "/timesheets/overview/?status=open"
    )
    world.entry.refresh_from_db()
    other.refresh_from_db()
    assert world.entry.approved_by == world.moderator and not other.is_approved


def test_approving_a_selection(world, client_for):
    chosen = TimeEntryFactory.create_batch(3, user=world.employee2)
    client_for(world.admin).post(reverse("timesheets:approve"), {"entries": [e.pk for e in chosen]})
    assert TimeEntry.objects.approved().count() == 3
    assert not TimeEntry.objects.get(pk=world.entry.pk).is_approved


def test_approving_a_whole_week_of_one_employee(world, client_for):
    in_week = [
        TimeEntryFactory(user=world.employee, date=THURSDAY + datetime.timedelta(days=d))
        for d in (-3, 0, 3)
    ]
    outside = TimeEntryFactory(user=world.employee, date=THURSDAY + datetime.timedelta(days=4))
    someone_else = TimeEntryFactory(user=world.employee2, date=THURSDAY)
    response = client_for(world.moderator).post(
        reverse("timesheets:approve"), {"user": world.employee.pk, "week": "2026-W10"}
    )
    assert response.status_code == 302
    assert all(TimeEntry.objects.get(pk=e.pk).is_approved for e in in_week)
    assert not TimeEntry.objects.get(pk=outside.pk).is_approved
    assert not TimeEntry.objects.get(pk=someone_else.pk).is_approved


def test_the_week_of_an_employee_offers_approve_week_to_managers(world, client_for):
    html = client_for(world.moderator).get(WEEK_URL, {"user": world.employee.pk}).content.decode()
    assert "Godkjenn uke" in html
    assert "Godkjenn uke" not in client_for(world.employee).get(WEEK_URL).content.decode()


def test_nobody_approves_another_firms_entries(world, client_for):
    client_for(world.other_admin).post(reverse("timesheets:approve"), {"entries": [world.entry.pk]})
    client_for(world.admin).post(reverse("timesheets:approve"), {"entry": world.other_entry.pk})
    assert not TimeEntry.objects.approved().exists()
    assert (
        client_for(world.other_admin)
        .post(reverse("timesheets:approve"), {"user": world.employee.pk, "week": "2026-W10"})
        .status_code
        == 404
    )


def test_an_employee_cannot_approve(world, client_for):
    response = client_for(world.employee).post(
        reverse("timesheets:approve"), {"entry": world.entry.pk}
    )
    assert response.status_code == 403
    assert not TimeEntry.objects.approved().exists()


def test_only_an_admin_reopens_and_it_is_recorded(world, client_for):
    approve(world.entry, world.moderator)
    url = reverse("timesheets:reopen", args=[world.entry.pk])
    assert client_for(world.moderator).post(url).status_code == 403
    assert client_for(world.other_admin).post(url).status_code == 404
    assert client_for(world.admin).post(url).status_code == 302
    world.entry.refresh_from_db()
    assert not world.entry.is_approved
    assert entry_history(world.entry)[0].action == "åpnet igjen"


def test_redirects_never_leave_the_site(world, client_for):
    response = client_for(world.admin).post(
        reverse("timesheets:approve"), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("timesheets:overview")


def test_saving_an_entry_approved_while_the_form_was_open_says_so_and_keeps_the_input(
    world, client_for
):
    from django.utils import timezone

    client = client_for(world.employee)
    url = reverse("timesheets:entry_update", args=[world.entry.pk])
    client.get(url)
    world.entry.approved_at, world.entry.approved_by = timezone.now(), world.moderator
    world.entry.save()

    response = client.post(
        url,
        {
            "date": "2026-03-05",
            "hours": "3",
            "description": "Endret",
            "version": world.entry.version,
        },
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 409
    assert "godkjent" in response.content.decode()
    assert "Endret" in response.content.decode()
    world.entry.refresh_from_db()
    assert world.entry.description != "Endret"


def test_only_those_who_see_everyones_hours_get_the_overview_tab(world, client_for):
    overview_url = reverse("timesheets:overview")
    assert overview_url not in client_for(world.employee).get(WEEK_URL).content.decode()
    for user in (world.moderator, world.admin):
        assert f'href="{overview_url}"' in client_for(user).get(WEEK_URL).content.decode()


def test_the_overview_lists_the_biggest_groups_and_the_rest_in_one_line(world, client_for):
    for n in range(1, 23):  # 22 projects, the n-th with n hours
        project = ProjectFactory(company=world.company, name=f"Prosjekt {n:02d}")
        TimeEntryFactory(user=world.employee, date=THURSDAY, hours=Decimal(n), project=project)
    client = client_for(world.moderator)
    week = {"date_from": "2026-03-02", "date_to": "2026-03-08", "group": "project"}

    response = overview(client, **week)

    shown = [(row["name"], row["hours"]) for row in response.context["totals"]]
    assert len(shown) == 20 and shown[0] == ("Prosjekt 22", Decimal(22))
    assert shown[-1] == ("Prosjekt 03", Decimal(3))
    assert response.context["rest"] == {"groups": 2, "hours": Decimal(3)}
    assert response.context["total"] == Decimal(253)  # of every group, shown or not
    totals = response.content.decode().split('class="list totals"')[1].split("</table>")[0]
    assert "og 2 til" in totals and "Vis alle" in totals and "Prosjekt 02" not in totals

    response = overview(client, **week, totals="all")
    assert len(response.context["totals"]) == 22 and response.context["rest"] is None
    totals = response.content.decode().split('class="list totals"')[1].split("</table>")[0]
    assert "Prosjekt 01" in totals and "Vis de 20 største" in totals


def test_the_overview_pages_its_rows_in_order_of_date_and_employee(world, client_for):
    for day in range(3):
        for user in (world.employee2, world.employee):  # Sofie Lie, Per Hansen
            for _ in range(20):
                TimeEntryFactory(user=user, date=THURSDAY - datetime.timedelta(days=day))
    client = client_for(world.moderator)
    week = {"date_from": "2026-03-02", "date_to": "2026-03-08"}

    pages = [overview(client, **week, page=n).context["page"] for n in (1, 2, 3)]

    rows = [(entry.date, entry.user_name) for page in pages for entry in page.object_list]
    assert [len(page.object_list) for page in pages] == [50, 50, 20]
    assert rows == sorted(rows) and len({e.pk for p in pages for e in p.object_list}) == 120
    assert rows[0] == (THURSDAY - datetime.timedelta(days=2), "Per Hansen")
