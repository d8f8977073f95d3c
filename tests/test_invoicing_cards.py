"""The customer card and the project card: invoiced and not invoiced amounts for those
who see prices, hours and value against the project's estimate, the margin for an
Administrator, and nothing of it for an Ansatt."""

import datetime
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from invoicing import panels, services
from invoicing.selectors import amounts, basis

from .factories import CustomerFactory, JobLineFactory
from .test_invoicing_basis import DECEMBER, approved

pytestmark = pytest.mark.django_db

NOVEMBER_2, NOVEMBER_20 = datetime.date(2026, 11, 2), datetime.date(2026, 11, 20)


@pytest.fixture
def billed(world):
    """The firm at 950 kr, the project at 1 100 kr and 40 h estimated; Per Hansen costs
    400 kr an hour, Sofie Lie has no cost. On the project: 7,5 h invoiced (October),
    2 h approved in November, the world's own 7,5 h not approved yet, 1 h not billable;
    1,5 h approved for the customer without a project (at the firm's price)."""
    world.company.hourly_rate = Decimal("950")
    world.company.save()
    world.project.hourly_rate = Decimal("1100")
    world.project.estimated_hours = Decimal("40")
    world.project.save()
    world.employee.hourly_cost = Decimal("400")
    world.employee.save()
    approved(world, project=world.project, hours=Decimal("7.5"))
    services.basis_mark_invoiced(
        company=world.company,
        by=world.admin,
        customer=world.customer,
        date_from=DECEMBER,
        date_to=datetime.date(2026, 10, 31),
        expected_net=Decimal("8250.00"),
    )
    approved(world, project=world.project, hours=Decimal("2"), date=NOVEMBER_20)
    approved(world, project=world.project, hours=Decimal("1"), billable=False, user=world.employee2)
    approved(world, project=None, hours=Decimal("1.5"), date=NOVEMBER_2, user=world.employee2)
    # Not the card's: deleted, another customer's, another firm's.
    approved(world, project=world.project, hours=Decimal("4"), deleted_at=timezone.now())
    approved(world, hours=Decimal("4"), customer=CustomerFactory(company=world.company))
    return world


def customer_card(client, world):
    return client.get(reverse("customers:detail", args=[world.customer.pk]))


def project_card(client, world):
    return client.get(reverse("projects:detail", args=[world.project.pk]))


def text_of(response):
    """The page with the spacing between its tags as one space (amounts keep their
    no-break spaces), to read amounts in."""
    return re.sub(r"[ \t\r\n]+", " ", response.text)


def basis_link(response):
    """Where "Ikke fakturert" links to."""
    after = response.text.replace("&amp;", "&").split("<dt>Ikke fakturert</dt>")[1]
    return after.split('href="')[1].split('"')[0]


# The customer card


def test_the_customer_card_shows_invoiced_and_not_invoiced_amounts_excl_mva(billed, client_for):
    response = customer_card(client_for(billed.moderator), billed)

    html = text_of(response)
    assert "Fakturering" in html and "Beløp eks. MVA." in html
    assert "<dt>Fakturert</dt> <dd>8\xa0250,00 kr</dd>" in html
    assert "3\xa0625,00 kr</a>" in html  # 2 × 1 100 + 1,5 × 950, approved
    assert "<dt>Ikke godkjent ennå</dt> <dd>8\xa0250,00 kr</dd>" in html  # 7,5 × 1 100


def test_not_invoiced_on_the_customer_card_opens_the_basis_of_all_of_it(billed, client_for):
    client = client_for(billed.moderator)
    link = basis_link(customer_card(client, billed))

    query = parse_qs(urlsplit(link).query)
    assert query["customer"] == [str(billed.customer.pk)]
    assert (query["date_from"], query["date_to"]) == (["2026-11-02"], ["2026-11-20"])
    assert "project" not in query
    page = client.get(link)
    assert page.status_code == 200
    assert page.context["basis"].net == Decimal("3625.00")


def test_an_administrator_sees_the_amounts_on_the_customer_card_too(billed, client_for):
    html = text_of(customer_card(client_for(billed.admin), billed))

    assert "<dt>Fakturert</dt> <dd>8\xa0250,00 kr</dd>" in html
    assert "Margin" not in html  # the margin is the project card's


def test_a_customer_with_nothing_to_bill_shows_zero_without_a_link(world, client_for):
    html = text_of(customer_card(client_for(world.moderator), world))

    assert "<dt>Ikke fakturert</dt> <dd>0,00 kr</dd>" in html
    assert reverse("invoicing:basis") + "?" not in html


# The project card


def test_the_project_card_shows_hours_and_value_against_the_estimate(billed, client_for):
    html = text_of(project_card(client_for(billed.moderator), billed))

    assert "Timer og beløp" in html
    assert "<dd>18 t av 40 t estimert (45 %)</dd>" in html  # 7,5 + 2 + 7,5 + 1
    # Billable: 7,5 invoiced + 2 approved + 7,5 not approved, at 1 100; against 40 × 1 100.
    assert "<dd>18\xa0700,00 kr av 44\xa0000,00 kr estimert (42 %)</dd>" in html
    assert "<dt>Fakturert</dt> <dd>8\xa0250,00 kr</dd>" in html
    assert "2\xa0200,00 kr</a>" in html  # the project's only: not the customer's 1,5 h
    assert "<dt>Ikke godkjent ennå</dt> <dd>8\xa0250,00 kr</dd>" in html


def test_a_moderator_sees_no_cost_or_margin(billed, client_for):
    html = project_card(client_for(billed.moderator), billed).text

    assert "Margin" not in html and "Kostnad" not in html
    assert "6\xa0800,00" not in html


def test_an_administrator_sees_the_projects_cost_and_margin(billed, client_for):
    html = text_of(project_card(client_for(billed.admin), billed))

    assert "<dt>Kostnad</dt> <dd>6\xa0800,00 kr</dd>" in html  # 17 h of Per Hansen × 400
    assert "<dt>Margin</dt> <dd>11\xa0900,00 kr (63 %)</dd>" in html  # 18 700 − 6 800
    # Sofie Lie's 1 h on the project has no cost: said, not hidden.
    assert "1 t er ført av ansatte uten kostnad per time" in html


def test_not_invoiced_on_the_project_card_opens_the_projects_basis(billed, client_for):
    client = client_for(billed.admin)
    link = basis_link(project_card(client, billed))

    query = parse_qs(urlsplit(link).query)
    assert query["customer"] == [str(billed.customer.pk)]
    assert query["project"] == [str(billed.project.pk)]
    assert client.get(link).context["basis"].net == Decimal("2200.00")


def test_a_project_without_customer_estimate_or_price_shows_what_it_can(world, client_for):
    world.project.customer = None
    world.project.save()
    approved(world, project=world.project, customer=None, hours=Decimal("1"))

    html = text_of(project_card(client_for(world.admin), world))

    assert "<dd>8,5 t</dd>" in html  # no estimate to compare with
    # Approved, but no basis can take hours without a customer: no link.
    assert "<dt>Ikke fakturert</dt> <dd>0,00 kr</dd>" in html
    assert "8,5 t har ingen timepris" in html  # no price anywhere
    assert reverse("invoicing:basis") + "?" not in html


def test_a_reopened_basis_counts_as_not_invoiced_again(billed, client_for):
    from invoicing.models import InvoiceBasis

    services.basis_reopen(basis=InvoiceBasis.objects.get(), by=billed.admin, reason="Feil pris")

    html = text_of(project_card(client_for(billed.moderator), billed))
    assert "<dt>Fakturert</dt> <dd>0,00 kr</dd>" in html
    assert "10\xa0450,00 kr</a>" in html  # 7,5 + 2 h at 1 100


def test_the_amounts_are_in_english_for_a_user_who_chose_it(billed, client_for):
    billed.admin.language = "en"
    billed.admin.save()

    html = text_of(project_card(client_for(billed.admin), billed))

    assert "Hours and amounts" in html and "Amounts excl. MVA." in html
    assert "<dt>Invoiced</dt>" in html and "<dt>Not approved yet</dt>" in html
    assert "of 40 h estimated (45 %)" in html
    assert "<dt>Margin</dt>" in html


# Who sees it


def test_an_employee_sees_no_amounts_on_a_project_they_may_open(billed, client_for):
    response = project_card(client_for(billed.employee), billed)

    assert response.status_code == 200
    assert "Timer og beløp" not in response.text
    assert not re.search(r"\d kr\b", response.text)


def test_an_employee_cannot_open_the_customer_card(billed, client_for):
    assert customer_card(client_for(billed.employee), billed).status_code == 403


def test_another_firms_administrator_gets_404_for_both_cards(billed, client_for):
    client = client_for(billed.other_admin)

    assert customer_card(client, billed).status_code == 404
    assert project_card(client, billed).status_code == 404


# What it costs


def _panel_request(user):
    request = RequestFactory().get("/")
    request.user = user
    # As in a request, where the sign-in checks have loaded the user's firm already.
    user.company  # noqa: B018
    return request


@pytest.mark.parametrize("more", [0, 30])
def test_each_card_asks_a_fixed_few_queries_however_many_entries_and_lines(
    billed, django_assert_num_queries, more
):
    for day in range(more):
        on = NOVEMBER_2 + datetime.timedelta(days=day % 10)
        entry = approved(billed, project=billed.project, hours=Decimal("1"), date=on)
        JobLineFactory(entry=entry, unit_price=Decimal("10"))
    request = _panel_request(billed.admin)

    # The entries' tally, the first and last day to bill and what bases billed of them;
    # the lines and what bases billed of them; for the project its cost too.
    with django_assert_num_queries(5):
        panels.customer_amounts(request, billed.customer)
    with django_assert_num_queries(6):
        panels.project_amounts(request, billed.project)


def test_the_cards_pages_ask_no_more_queries_with_more_entries(billed, client_for):
    client = client_for(billed.moderator)
    urls = [
        reverse("customers:detail", args=[billed.customer.pk]),
        reverse("projects:detail", args=[billed.project.pk]),
    ]
    client.get(urls[0])  # warm up the session and the user
    before = [len(queries_of(client, url)) for url in urls]
    for _day in range(30):
        approved(billed, project=billed.project, hours=Decimal("1"), user=billed.employee2)

    assert [len(queries_of(client, url)) for url in urls] == before


def queries_of(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return captured


def test_the_card_sums_what_the_basis_takes(billed):
    """Not invoiced on the card is the basis of its period, to the øre."""
    found = amounts(company=billed.company, customer=billed.customer)

    taken = basis(
        company=billed.company,
        customer=billed.customer,
        date_from=found.open_from,
        date_to=found.open_to,
    )
    assert taken.net == found.open


def test_entries_of_the_same_hours_are_rounded_one_by_one_as_the_basis_rounds_them(world):
    """Three half hours at 999,99 kr are 499,995 kr each, 500,00 kr to the øre: the card
    says 1 500,00 kr as the basis does, not the 1 499,99 kr of the rounded sum."""
    world.project.hourly_rate = Decimal("999.99")
    world.project.save()
    for _ in range(3):
        approved(world, project=world.project, hours=Decimal("0.5"), date=NOVEMBER_20)

    found = amounts(company=world.company, project=world.project)

    assert found.open == Decimal("1500.00")
    assert (found.open_from, found.open_to) == (NOVEMBER_20, NOVEMBER_20)
    taken = basis(
        company=world.company,
        customer=world.customer,
        project=world.project,
        date_from=NOVEMBER_20,
        date_to=NOVEMBER_20,
    )
    assert taken.net == found.open
