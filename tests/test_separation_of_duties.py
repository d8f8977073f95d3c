"""Separation of duties: nobody but an Administrator approves or reopens their own
hours, and when an Administrator does, it shows (docs/architecture.md, "Who may do
what")."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts import permissions as perms
from timesheets import services
from timesheets.models import TimeEntry
from timesheets.selectors import entry_history

from .factories import TimeEntryFactory, UserFactory

APPROVE = reverse("timesheets:approve")
OVERVIEW = reverse("timesheets:overview")


@pytest.fixture
def own(world):
    """An open entry of each manager, and one of the employee."""
    return {
        "admin": TimeEntryFactory(user=world.admin),
        "moderator": TimeEntryFactory(user=world.moderator),
        "employee": world.entry,
    }


def approved(entry):
    return TimeEntry.objects.get(pk=entry.pk).is_approved


def test_only_an_administrator_may_approve_their_own_hours():
    assert perms.TABLE[perms.HOURS_APPROVE_OWN] == frozenset({perms.ADMIN})


def test_a_moderator_cannot_approve_their_own_entry_in_the_service(world, own):
    entries = TimeEntry.objects.filter(pk=own["moderator"].pk)
    result = services.entries_approve(entries=entries, by=world.moderator)
    assert (result.approved, result.own_left) == (0, 1)
    assert not approved(own["moderator"])


def test_a_moderator_approving_a_selection_approves_the_others_and_leaves_their_own(world, own):
    result = services.entries_approve(entries=TimeEntry.objects.all(), by=world.moderator)
    assert (result.approved, result.own_left) == (2, 1)
    assert approved(own["employee"]) and approved(own["admin"])
    assert not approved(own["moderator"])


def test_a_moderator_approves_another_moderators_hours(world, own):
    colleague = UserFactory(company=world.company, role=perms.MODERATOR)
    theirs = TimeEntryFactory(user=colleague)
    result = services.entries_approve(
        entries=TimeEntry.objects.filter(pk=theirs.pk), by=world.moderator
    )
    assert result.approved == 1 and approved(theirs)


def test_an_administrator_approves_their_own_entry_and_it_is_recorded(world, own):
    result = services.entries_approve(
        entries=TimeEntry.objects.filter(pk=own["admin"].pk), by=world.admin
    )
    assert (result.approved, result.own_left) == (1, 0)
    assert list(TimeEntry.objects.self_approved()) == [own["admin"]]
    approval = entry_history(own["admin"])[0]
    assert (approval.action, approval.by) == ("godkjent av seg selv", "Ingrid Berg")


def test_an_approval_by_someone_else_is_not_self_approved(world, own):
    services.entries_approve(entries=TimeEntry.objects.filter(pk=world.entry.pk), by=world.admin)
    assert not TimeEntry.objects.self_approved().exists()
    assert entry_history(world.entry)[0].action == "godkjent"


def test_the_overview_says_godkjent_av_seg_selv_and_filters_on_it(world, own, client_for):
    client = client_for(world.admin)
    client.post(APPROVE, {"entries": [own["admin"].pk, world.entry.pk]})
    page = client.get(OVERVIEW, {"date_from": "2000-01-01", "date_to": "2099-12-31"})
    assert page.content.decode().count("godkjent av seg selv") == 1
    only = client.get(OVERVIEW, {"date_from": "2000-01-01", "status": "self_approved"})
    assert [entry.pk for entry in only.context["page"]] == [own["admin"].pk]


@pytest.mark.parametrize("how", ["entry", "entries", "week"])
def test_a_moderator_posting_their_own_hours_for_approval_is_told_no(world, own, client_for, how):
    entry = own["moderator"]
    data = {
        "entry": {"entry": entry.pk},
        "entries": {"entries": [entry.pk]},
        "week": {"user": world.moderator.pk, "week": f"{entry.date:%G-W%V}"},
    }[how]
    response = client_for(world.moderator).post(APPROVE, data, follow=True)
    assert response.status_code == 200
    assert "Du kan ikke godkjenne dine egne timer" in response.content.decode()
    assert not approved(entry)


def test_a_moderators_overview_offers_no_approval_of_their_own_entries(world, own, client_for):
    page = client_for(world.moderator).get(OVERVIEW).content.decode()
    assert f'name="entry" value="{own["moderator"].pk}"' not in page
    assert f'name="entries" value="{own["moderator"].pk}"' not in page
    assert f'name="entry" value="{world.entry.pk}"' in page
    assert f'name="entries" value="{world.entry.pk}"' in page


def test_an_administrators_overview_offers_approval_of_their_own_entries(world, own, client_for):
    page = client_for(world.admin).get(OVERVIEW).content.decode()
    assert f'name="entry" value="{own["admin"].pk}"' in page


def test_an_employee_approves_nothing_not_even_their_own(world, own, client_for):
    response = client_for(world.employee).post(APPROVE, {"entry": world.entry.pk})
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.entries_approve(entries=TimeEntry.objects.all(), by=world.employee)
    assert not TimeEntry.objects.approved().exists()


def test_another_firms_administrator_approves_none_of_ours(world, own, client_for):
    client = client_for(world.other_admin)
    client.post(APPROVE, {"entries": [entry.pk for entry in own.values()]})
    assert client.post(APPROVE, {"user": world.moderator.pk, "week": "2026-W10"}).status_code == (
        404
    )
    assert not TimeEntry.objects.filter(company=world.company).approved().exists()


def test_nobody_but_an_administrator_reopens_their_own_entry(world, own):
    services.entries_approve(entries=TimeEntry.objects.all(), by=world.admin)
    entry = services.entry_reopen(entry=own["admin"], by=world.admin)
    assert not entry.is_approved
    for user in (world.moderator, world.employee):
        with pytest.raises(PermissionDenied):
            services.entry_reopen(entry=own[user.role], by=user)
