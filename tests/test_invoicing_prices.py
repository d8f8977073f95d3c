"""Prices ("Timepris"): firm, customer and project, the most specific applies; entries
that are not billable; what an employee's hour costs; and no price for an Ansatt."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts import services as account_services
from core.money import format_money, line_amount, mva, to_ore
from invoicing import services as invoicing_services
from invoicing.prices import hourly_rate, with_hourly_rates
from projects.selectors import project_history
from timesheets import services as entry_services
from timesheets.models import TimeEntry

from .factories import CustomerFactory, ProjectFactory, TimeEntryFactory
from .matrix import OK
from .test_invoicing_basis import DECEMBER, approved
from .test_matrix import ROUTES

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def set_prices(world, firm="987.65", customer="876.54", project="765.43"):
    for obj, price in ((world.company, firm), (world.customer, customer), (world.project, project)):
        obj.hourly_rate = None if price is None else Decimal(price)
        obj.save()


# Which price applies


def test_the_firms_price_applies_when_customer_and_project_have_none(world):
    set_prices(world, customer=None, project=None)

    assert hourly_rate(
        company=world.company, customer=world.customer, project=world.project
    ) == Decimal("987.65")


def test_a_customers_price_comes_before_the_firms(world):
    set_prices(world, project=None)

    assert hourly_rate(
        company=world.company, customer=world.customer, project=world.project
    ) == Decimal("876.54")


def test_a_projects_price_comes_before_the_customers(world):
    set_prices(world)

    assert hourly_rate(
        company=world.company, customer=world.customer, project=world.project
    ) == Decimal("765.43")


def test_hours_without_any_price_have_none(world):
    set_prices(world, firm=None, customer=None, project=None)

    assert hourly_rate(company=world.company) is None


def test_the_query_prices_each_entry_as_the_one_by_one_rule_does(world):
    set_prices(world, project=None)
    priced_project = ProjectFactory(
        company=world.company, customer=world.customer, hourly_rate=Decimal("1200")
    )
    plain_customer = CustomerFactory(company=world.company)
    on_priced = TimeEntryFactory(user=world.employee, project=priced_project)
    on_customer = TimeEntryFactory(user=world.employee, customer=world.customer)
    on_plain = TimeEntryFactory(user=world.employee, customer=plain_customer)

    entries = TimeEntry.objects.filter(pk__in=[on_priced.pk, on_customer.pk, on_plain.pk])
    rates = dict(with_hourly_rates(entries, world.company).values_list("pk", "rate"))

    assert rates == {
        on_priced.pk: Decimal("1200.00"),
        on_customer.pk: Decimal("876.54"),
        on_plain.pk: Decimal("987.65"),
    }


def test_the_query_joins_the_firms_own_projects_and_customers_only(world):
    """So PostgreSQL hashes one firm's projects for the join, not the platform's: the
    price of a customer's 20,000 entries then costs the same with ten times the firms."""
    sql = str(with_hourly_rates(TimeEntry.objects.all(), world.company).values("rate").query)
    company = world.company.pk
    assert f'firm_project."company_id" = {company}' in sql
    assert f'firm_customer."company_id" = {company}' in sql


# Money


def test_amounts_round_half_up_to_the_ore():
    assert to_ore(Decimal("1.005")) == Decimal("1.01")
    assert to_ore(Decimal("1.004")) == Decimal("1.00")
    assert line_amount(Decimal("7.5"), Decimal("950")) == Decimal("7125.00")
    assert line_amount(Decimal("0.33"), Decimal("10.01")) == Decimal("3.30")
    assert line_amount(Decimal("2"), None) == Decimal("0.00")


def test_mva_is_a_quarter_of_the_sum_excluding_mva_to_the_ore():
    assert mva(Decimal("7125.00")) == Decimal("1781.25")
    assert mva(Decimal("0.03")) == Decimal("0.01")


def test_an_amount_is_written_the_norwegian_way():
    with translation.override("nb"):
        assert format_money(Decimal("7125")) == "7\xa0125,00 kr"
        assert format_money(None) == ""


# Setting prices


def test_the_administrator_sets_the_firms_price_on_the_firm_page(world, client_for):
    client = client_for(world.admin)

    response = client.post(reverse("accounts:firm_prices"), {"hourly_rate": "950,50"})

    assert response.status_code == 302
    world.company.refresh_from_db()
    assert world.company.hourly_rate == Decimal("950.50")
    assert 'value="950,5"' in client.get(reverse("accounts:firm")).text


@pytest.mark.parametrize("typed", ["-1", "abc", "NaN", "100000000", "9,999"])
def test_a_price_that_is_no_amount_is_refused_next_to_the_field(world, client_for, typed):
    response = client_for(world.admin).post(reverse("accounts:firm_prices"), {"hourly_rate": typed})

    assert response.status_code == 422
    assert 'id="id_hourly_rate_error"' in response.text
    world.company.refresh_from_db()
    assert world.company.hourly_rate is None


def test_a_customers_price_is_saved_on_the_card_and_in_its_history(world, client_for):
    from .test_customers_views import card_post

    client = client_for(world.moderator)
    url = reverse("customers:detail", args=[world.customer.pk])
    data = card_post(world.customer, hourly_rate="1 100")

    assert client.post(url, data).status_code == 302

    world.customer.refresh_from_db()
    assert world.customer.hourly_rate == Decimal("1100")
    assert "1\xa0100,00 kr" in client.get(url).text


def test_a_projects_price_and_billable_are_set_on_its_form(world, client_for):
    from .test_projects_views import form_data

    client = client_for(world.moderator)
    data = form_data(number="2002", hourly_rate="800", version=world.project.version)
    # "Fakturerbar" left unchecked: an internal project.

    response = client.post(reverse("projects:update", args=[world.project.pk]), data)

    assert response.status_code == 302
    world.project.refresh_from_db()
    assert world.project.hourly_rate == Decimal("800")
    assert world.project.billable is False


# Billable entries


def test_a_new_entry_takes_its_projects_billable(world):
    internal = ProjectFactory(company=world.company, billable=False)

    on_internal = entry_services.entry_create(
        company=world.company,
        by=world.employee,
        date=world.entry.date,
        hours=Decimal(2),
        project=internal,
    )
    on_billable = entry_services.entry_create(
        company=world.company,
        by=world.employee,
        date=world.entry.date,
        hours=Decimal(2),
        project=world.project,
    )
    without_project = entry_services.entry_create(
        company=world.company, by=world.employee, date=world.entry.date, hours=Decimal(2)
    )

    assert (on_internal.billable, on_billable.billable, without_project.billable) == (
        False,
        True,
        True,
    )


def test_an_entry_moved_to_another_project_takes_that_projects_billable(world):
    internal = ProjectFactory(company=world.company, billable=False)
    entry = world.entry

    moved = entry_services.entry_update(
        entry=entry,
        by=world.employee,
        version=entry.version,
        date=entry.date,
        hours=entry.hours,
        project=internal,
    )

    assert moved.billable is False


def test_a_manager_marks_an_entry_not_billable_on_its_form(world, client_for):
    from .test_timesheets_views import edit_data

    url = reverse("timesheets:entry_update", args=[world.entry.pk])
    client = client_for(world.admin)
    assert "Ikke fakturerbar" in client.get(url).text

    response = client.post(url, edit_data(world.entry, not_billable="on"))

    assert response.status_code == 302
    world.entry.refresh_from_db()
    assert world.entry.billable is False


def test_an_employee_is_not_offered_not_billable_and_cannot_set_it(world, client_for):
    from .test_timesheets_views import edit_data

    url = reverse("timesheets:entry_update", args=[world.entry.pk])
    client = client_for(world.employee)
    assert "not_billable" not in client.get(url).text

    client.post(url, edit_data(world.entry, not_billable="on"))

    world.entry.refresh_from_db()
    assert world.entry.billable is True
    with pytest.raises(PermissionDenied):
        entry_services.entry_update(
            entry=world.entry,
            by=world.employee,
            version=world.entry.version,
            date=world.entry.date,
            hours=world.entry.hours,
            billable=False,
        )


# Cost per hour


def test_the_administrator_sets_an_employees_cost_per_hour(world, client_for):
    url = reverse("accounts:user_update", args=[world.employee.pk])
    data = {"name": world.employee.name, "phone": "", "role": "employee", "hourly_cost": "420"}

    response = client_for(world.admin).post(url, data)

    assert response.status_code == 302
    world.employee.refresh_from_db()
    assert world.employee.hourly_cost == Decimal("420")


def test_nobody_but_an_administrator_sets_a_cost(world):
    employee = world.employee
    with pytest.raises(PermissionDenied):
        account_services.user_update(
            user=employee,
            by=world.moderator,
            name=employee.name,
            phone="",
            role=employee.role,
            hourly_cost=Decimal("420"),
        )


# An Ansatt never sees a price


# Every price and cost of the test as a page could write it (a form's "987,65", a
# history's "987,65 kr", an export's 987.65), and the words that would frame one.
PRICES_SHOWN = [
    *(
        f"{whole}{sep}{cents}"
        for whole, cents in [
            ("987", "65"),
            ("876", "54"),
            ("765", "43"),
            ("654", "32"),
            ("543", "21"),
        ]
        for sep in ",."
    ),
    "\xa0kr",
    "Timepris",
    "Kostnad per time",
    # The project card's amounts (invoicing.panels).
    "Timer og beløp",
    "Margin",
]
AN_AMOUNT = re.compile(r"\d,\d\d kr")  # any amount as the money filter writes it


def _employee_pages(world):
    """Every page of the matrix an employee may open (GET)."""
    for route in ROUTES:
        if route.method == "get" and route.expect.get("employee") == OK and not route.public:
            yield route


def test_no_page_or_fragment_an_employee_opens_shows_a_price_or_cost(world, client_for):
    set_prices(world)
    world.employee.hourly_cost = Decimal("654.32")
    world.employee.save()
    # A price change in the project's history, too.
    from projects import services as project_services
    from projects.services import FIELDS

    values = {field: getattr(world.project, field) for field in FIELDS}
    project_services.project_update(
        project=world.project,
        by=world.admin,
        version=world.project.version,
        **{**values, "hourly_rate": Decimal("543.21")},
    )
    # Amounts the project card would show: an invoiced basis, hours not yet invoiced.
    approved(world, project=world.project, hours=Decimal("2"))
    invoicing_services.basis_mark_invoiced(
        company=world.company,
        by=world.admin,
        customer=world.customer,
        date_from=DECEMBER,
        date_to=datetime.date(2026, 10, 31),
        expected_net=Decimal("1086.42"),  # 2 h at the project's 543,21
    )
    client = client_for(world.employee)
    pages = list(_employee_pages(world)) + [None]
    seen = 0
    for route in pages:
        url = (
            reverse("projects:detail", args=[world.project.pk])
            if route is None
            else route.url(world)
        )
        for headers in ({}, HTMX):
            response = client.get(url, **headers)
            if response.status_code != 200 or not response.get("Content-Type", "").startswith(
                "text/"
            ):
                continue
            seen += 1
            text = response.content.decode()
            for shown in PRICES_SHOWN:
                assert shown not in text, f"{url} shows {shown!r} to an employee"
            assert not AN_AMOUNT.search(text), f"{url} shows an amount to an employee"
    assert seen > 10


def test_a_price_change_is_a_step_of_the_project_history_only_for_those_who_see_prices(world):
    from projects import services as project_services
    from projects.services import FIELDS

    values = {field: getattr(world.project, field) for field in FIELDS}
    project_services.project_update(
        project=world.project,
        by=world.admin,
        version=world.project.version,
        **{**values, "hourly_rate": Decimal("543.21")},
    )

    with translation.override("nb"):
        for_manager = project_history(world.project, prices=True)
        for_employee = project_history(world.project)

    assert [str(label) for label, _old, _new in for_manager[0].fields] == ["timepris"]
    assert for_manager[0].fields[0][2] == "543,21 kr"
    assert len(for_employee) == len(for_manager) - 1


# Property-based: any quantity and price


@settings(max_examples=100)
@given(
    quantity=st.decimals(min_value=0, max_value=Decimal("9999.99"), places=2),
    price=st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2),
)
def test_a_line_is_never_negative_or_nan_and_is_quantity_times_price_to_the_ore(quantity, price):
    amount = line_amount(quantity, price)

    assert amount.is_finite() and amount >= 0
    assert amount == to_ore(quantity * price)
    assert mva(amount) == to_ore(amount * Decimal("0.25"))


@settings(max_examples=25)
@given(typed=st.text(max_size=30))
def test_whatever_is_typed_as_a_price_is_saved_or_refused_never_a_500(world, client_for, typed):
    response = client_for(world.admin).post(reverse("accounts:firm_prices"), {"hourly_rate": typed})

    assert response.status_code in (302, 422)
    world.company.refresh_from_db()
    rate = world.company.hourly_rate
    assert rate is None or (rate.is_finite() and rate >= 0)
