"""Property-based tests: every form and filter, fed arbitrary input.

Whatever arrives (any Unicode, very long strings, NUL bytes, numbers at and past
their bounds, malformed dates, page numbers from another planet) the answer is never
a 500, a refused form saves nothing and says why next to a field, and what is saved
is valid. `make test` runs a couple of hundred examples per form; `make fuzz` runs
thousands (HYPOTHESIS_PROFILE=fuzz).
"""

import re

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import User
from customers.models import ContactPerson, Customer
from projects.models import Project
from timesheets.models import TimeEntry

# Strings a form may get: anything, long runs, NUL bytes, and the almost-valid.
nasty = st.one_of(
    st.text(max_size=60),
    # Long strings, built by repetition: generating them letter by letter is slow.
    st.builds(
        lambda part, times: part * times, st.text(min_size=1, max_size=8), st.integers(40, 500)
    ),
    st.text(alphabet="\x00\t\n\r <>\"'&;%\\", max_size=20),
    st.sampled_from(
        ["", " ", "0", "-1", "1e309", "NaN", "∞", "٣", "²", "①", "７,５", "<script>x</script>"]
    ),
)
numbers = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["0", "24", "24,01", "23,99", "2147483648", "9" * 40, "7,5", "1.5", "-0"]),
    nasty,
)
dates = st.one_of(
    st.dates().map(lambda d: d.strftime("%d.%m.%Y")),
    st.dates().map(str),
    st.sampled_from(["31.02.2026", "2026-13-01", "00.00.0000", "29.02.2025", "9999-12-31"]),
    nasty,
)
times = st.one_of(st.sampled_from(["07:00", "24:00", "23:59", "7", "25:61", ""]), nasty)

ALLOWED = {200, 204, 302, 409, 422, 429}


class Clients:
    """One logged-in client per actor, made once per test and reused by its examples."""

    def __init__(self, world, client_for):
        self.world, self.client_for, self.clients = world, client_for, {}

    def client(self, actor):
        if actor not in self.clients:
            self.clients[actor] = self.client_for(getattr(self.world, actor))
        return self.clients[actor]


@pytest.fixture
def world_once(world, client_for):
    return Clients(world, client_for)


ERROR_MARK = re.compile(r'class="(error|error-summary)"')


def submit(client, url, data, model):
    """POST ``data``; check the answer, that a refused form saved nothing and that
    whatever was saved is valid."""
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.post(url, data)
    assert response.status_code in ALLOWED, response.status_code
    saved = list(model.objects.filter(pk__gt=last))
    if response.status_code == 422:
        assert not saved, "a refused form saved something"
        assert ERROR_MARK.search(response.content.decode()), "422 without a message"
    for obj in saved:
        obj.full_clean(exclude=["company"])
    return saved


@given(
    name=nasty,
    number=numbers,
    kind=st.one_of(st.sampled_from(["company", "person"]), nasty),
    org_number=st.one_of(st.sampled_from(["923609016", "923 609 016", "123456789"]), nasty),
    email=nasty,
    phone=st.one_of(st.sampled_from(["41234567", "+4741234567", "123"]), nasty),
    postal_code=st.one_of(st.sampled_from(["0150", "150", "01500"]), nasty),
    text=nasty,
    contact_name=nasty,
    contact_email=nasty,
    total_forms=st.one_of(st.sampled_from(["0", "1", "2", "1000", "-1"]), nasty),
)
def test_fuzz_customer_card(
    world_once,
    name,
    number,
    kind,
    org_number,
    email,
    phone,
    postal_code,
    text,
    contact_name,
    contact_email,
    total_forms,
):
    client = world_once.client("moderator")
    data = {
        "name": name,
        "number": number,
        "kind": kind,
        "org_number": org_number,
        "email": email,
        "phone": phone,
        "address": text,
        "postal_code": postal_code,
        "postal_place": text,
        "invoice_address": text,
        "note": text,
        "contacts-TOTAL_FORMS": total_forms,
        "contacts-INITIAL_FORMS": "0",
        "contacts-0-name": contact_name,
        "contacts-0-title": text,
        "contacts-0-phone": phone,
        "contacts-0-email": contact_email,
    }
    contacts_before = ContactPerson.objects.count()
    saved = submit(client, reverse("customers:create"), data, Customer)
    if not saved:
        assert ContactPerson.objects.count() == contacts_before


@given(
    name=nasty,
    number=numbers,
    customer=numbers,
    start=dates,
    end=dates,
    hours=numbers,
    text=nasty,
)
def test_fuzz_project_form(world_once, name, number, customer, start, end, hours, text):
    client = world_once.client("admin")
    data = {
        "name": name,
        "number": number,
        "customer": customer,
        "address": text,
        "postal_code": text[:6],
        "postal_place": text,
        "start_date": start,
        "end_date": end,
        "estimated_hours": hours,
        "description": text,
    }
    submit(client, reverse("projects:create"), data, Project)


@given(
    date=dates,
    hours=numbers,
    start=times,
    end=times,
    pause=numbers,
    project=numbers,
    customer=numbers,
    text=nasty,
)
def test_fuzz_time_entry_form(world_once, date, hours, start, end, pause, project, customer, text):
    client = world_once.client("employee")
    data = {
        "date": date,
        "hours": hours,
        "start_time": start,
        "end_time": end,
        "break_minutes": pause,
        "project": project,
        "customer": customer,
        "description": text,
    }
    for entry in submit(client, reverse("timesheets:entry_create"), data, TimeEntry):
        assert 0 < entry.hours <= 24


@given(name=nasty, email=nasty, phone=nasty, role=st.one_of(st.just("employee"), nasty))
def test_fuzz_user_form(world_once, name, email, phone, role):
    client = world_once.client("admin")
    data = {"name": name, "email": email, "phone": phone, "role": role}
    submit(client, reverse("accounts:user_create"), data, User)


@given(name=nasty, phone=nasty, language=st.one_of(st.sampled_from(["nb", "en"]), nasty))
def test_fuzz_profile_form(world_once, name, phone, language):
    data = {"name": name, "phone": phone, "language": language}
    response = world_once.client("employee").post(reverse("accounts:profile"), data)
    assert response.status_code in ALLOWED
    if response.status_code == 422:
        assert ERROR_MARK.search(response.content.decode())
    world_once.world.employee.refresh_from_db()
    world_once.world.employee.full_clean(exclude=["company", "password"])


@given(username=nasty, password=nasty)
def test_fuzz_login_form(world_once, username, password):
    from django.test import Client

    response = Client().post(
        reverse("accounts:login"), {"username": username, "password": password}
    )
    assert response.status_code in ALLOWED


@given(
    q=nasty,
    page=numbers,
    status=st.one_of(st.sampled_from(["active", "inactive"]), nasty),
    sort=nasty,
)
def test_fuzz_list_filters_and_pages(world_once, q, page, status, sort):
    params = {"q": q, "page": page, "status": status, "sort": sort}
    for actor, name in [
        ("moderator", "customers:list"),
        ("employee", "projects:list"),
        ("employee", "timesheets:customer_options"),
        ("employee", "timesheets:project_options"),
        ("admin", "projects:customer_options"),
    ]:
        response = world_once.client(actor).get(reverse(name), params)
        assert response.status_code in {200, 302, 400, 404}, (name, response.status_code)


@given(
    date_from=dates,
    date_to=dates,
    user=numbers,
    customer=numbers,
    project=numbers,
    status=nasty,
    group=nasty,
    week=st.one_of(st.sampled_from(["2026-W48", "2026-W53", "2026-W00", "0-W1"]), nasty),
)
def test_fuzz_hours_overview_week_and_export(
    world_once, date_from, date_to, user, customer, project, status, group, week
):
    params = {
        "date_from": date_from,
        "date_to": date_to,
        "user": user,
        "customer": customer,
        "project": project,
        "status": status,
        "group": group,
    }
    manager = world_once.client("moderator")
    for name in ["timesheets:overview", "timesheets:export_csv"]:
        response = manager.get(reverse(name), params)
        assert response.status_code in {200, 302, 400}, (name, response.status_code)
        if response.streaming:
            b"".join(response.streaming_content)  # the rows are made while streaming
    response = world_once.client("employee").get(reverse("timesheets:week"), {"week": week})
    assert response.status_code in {200, 302, 400}, response.status_code


def test_a_nul_byte_in_a_search_answers_400_not_500(world, client_for):
    client = client_for(world.moderator)
    response = client.get(reverse("customers:list"), {"q": "ab\x00c", "page": "1"})
    assert response.status_code == 400
    assert client.get(reverse("customers:list"), {"q": "nord"}).status_code == 200


def test_unicode_digits_are_not_postal_codes_or_ids(world, client_for):
    client = client_for(world.moderator)
    data = {
        "name": "Hevet Skrift AS",
        "number": "31337",
        "kind": "company",
        "postal_code": "²³⁴⁵",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("customers:create"), data)
    assert response.status_code == 422
    assert not Customer.objects.filter(name="Hevet Skrift AS").exists()
    assert client.get(reverse("projects:list"), {"q": "²"}).status_code == 200
    assert client.get(reverse("timesheets:overview"), {"project": "²"}).status_code == 200
