"""The list and the card for a firm with many customers: the suggested number is
taken when the customer is saved, the new card is one click from the confirmation,
and a search counts its matches on both tabs."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers import services
from customers.models import Customer

from .test_attacks_concurrency import post_at_once
from .test_customers_views import CREATE, HTMX, LIST, detail, new_customer_post


def opened_form(client):
    """A new customer's card as the browser got it: the suggested number included."""
    form = client.get(CREATE).context["form"]
    return {"number": form["number"].value(), "suggested_number": form["suggested_number"].value()}


def test_two_cards_opened_at_once_both_save_with_the_next_free_numbers(world, client_for):
    first, second = client_for(world.admin), client_for(world.moderator)
    first_form, second_form = opened_form(first), opened_form(second)
    assert first_form == second_form  # both suggest the same number

    first.post(CREATE, new_customer_post(name="Første AS", org_number="", **first_form))
    response = second.post(CREATE, new_customer_post(name="Andre AS", org_number="", **second_form))
    html = response.content.decode() if response.status_code != 302 else ""
    assert response.status_code == 302, html
    numbers = Customer.objects.filter(name__in=["Første AS", "Andre AS"]).order_by("number")
    suggested = first_form["number"]
    assert [(c.name, c.number) for c in numbers] == [
        ("Første AS", suggested),
        ("Andre AS", suggested + 1),
    ]


@pytest.mark.django_db(transaction=True)
def test_two_cards_saved_at_the_same_moment_both_get_the_next_free_numbers(world, client_for):
    form = opened_form(client_for(world.admin))
    statuses = post_at_once(
        [
            (world.admin, CREATE, new_customer_post(name="Første AS", org_number="", **form)),
            (world.moderator, CREATE, new_customer_post(name="Andre AS", org_number="", **form)),
        ]
    )
    assert statuses == [302, 302]
    numbers = Customer.objects.filter(name__in=["Første AS", "Andre AS"]).values_list("number")
    assert sorted(number for (number,) in numbers) == [form["number"], form["number"] + 1]


def test_a_number_the_user_typed_is_kept_or_refused(world, client_for):
    client = client_for(world.admin)
    form = opened_form(client)
    taken = str(world.customer.number)
    response = client.post(
        CREATE, new_customer_post(number=taken, **{"suggested_number": form["suggested_number"]})
    )
    assert response.status_code == 422
    assert "En annen kunde har allerede dette nummeret" in response.content.decode()


def test_a_number_the_service_chose_is_chosen_again_after_a_lost_race(world, monkeypatch):
    taken = world.customer.number
    free = services.customer_next_number(company=world.company)
    # The first choice is the number a concurrent save has just taken; the checks
    # before saving did not see it yet.
    choices = iter([taken])
    real = services.customer_next_number
    monkeypatch.setattr(
        services,
        "customer_next_number",
        lambda *, company: next(choices, None) or real(company=company),
    )
    monkeypatch.setattr(Customer, "validate_constraints", lambda self, exclude=None: None)

    customer = services.customer_create(
        company=world.company, by=world.admin, data={"name": "Ny AS", "kind": "company"}
    )
    assert customer.number == free


def test_the_confirmation_in_the_dialog_links_to_the_new_card(world, client_for):
    response = client_for(world.admin).post(
        CREATE, new_customer_post(), **HTMX, HTTP_HX_CURRENT_URL="http://testserver/customers/"
    )
    customer = Customer.objects.get(name="Bjørnstad Elektro AS")
    html = response.content.decode()
    assert f"Bjørnstad Elektro AS er opprettet som kunde {customer.number}." in html
    assert f'<a href="{detail(customer)}">Åpne kundekortet</a>' in html


def test_the_confirmation_without_javascript_links_to_the_card_too(world, client_for):
    response = client_for(world.admin).post(CREATE, new_customer_post(), follow=True)
    customer = Customer.objects.get(name="Bjørnstad Elektro AS")
    assert f'<a href="{detail(customer)}">Åpne kundekortet</a>' in response.content.decode()


def make(world, name, *, active=True):
    customer = services.customer_create(
        company=world.company, by=world.admin, data={"name": name, "kind": "company"}
    )
    if not active:
        services.customer_set_active(customer=customer, by=world.admin, active=False)
    return customer


def test_a_search_counts_its_matches_on_both_tabs(world, client_for):
    make(world, "Kari Hansen")
    make(world, "Kari Berg", active=False)
    make(world, "Kari Lie", active=False)
    make(world, "Kari Moe", active=False)
    make(world, "Ola Nilsen", active=False)

    response = client_for(world.admin).get(LIST, {"q": "kari"})
    tabs = {tab["key"]: tab["count"] for tab in response.context["tabs"]}
    html = response.content.decode()
    assert tabs == {"active": 2, "inactive": 3}  # Kari Nordmann and Kari Hansen
    assert re.search(r'status=inactive[^>]*>Inaktive <span class="count">3 treff</span>', html)


def test_without_a_search_the_tabs_count_every_customer(world, client_for):
    make(world, "Ola Nilsen", active=False)
    response = client_for(world.admin).get(LIST)
    assert {tab["key"]: tab["count"] for tab in response.context["tabs"]} == {
        "active": 1,
        "inactive": 1,
    }


def test_a_search_costs_no_more_queries_than_the_whole_list(world, client_for):
    client = client_for(world.admin)
    for name in ["Kari Hansen", "Kari Berg", "Ola Nilsen"]:
        make(world, name)

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert queries(f"{LIST}?q=kari&status=inactive") <= queries(LIST)
