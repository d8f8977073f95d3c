"""The customer card's look-up in Enhetsregisteret (recorded answers on a local
server): as the user types (htmx), with "Søk i Brønnøysund" (no JavaScript),
choosing a unit, its warnings, a registry that does not answer, and "Oppdater fra
Brønnøysund"."""

from django.urls import reverse

from customers.models import Customer, CustomerKind
from customers.selectors import customer_history
from svenn import brreg_fake

from .factories import CustomerFactory
from .test_customers_views import CREATE, HTMX, card_post, detail, new_customer_post

LOOKUP = reverse("customers:lookup")


def refresh(customer):
    return reverse("customers:refresh", args=[customer.pk])


def empty_card(**changes):
    """The new-customer card as posted before anything but ``changes`` is typed."""
    data = new_customer_post(
        name="", org_number="", email="", phone="", postal_code="", postal_place=""
    )
    data.update({"contacts-0-name": "", "contacts-0-title": "", **changes})
    return data


# --- as the user types (htmx) ----------------------------------------------------


def test_typing_an_org_number_with_spaces_offers_the_unit(world, client_for, registry):
    response = client_for(world.admin).get(LOOKUP, {"org_number": "915 333 141"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "BAKERIET PÅ HJØRNET AS" in html
    assert 'name="brreg_use" value="915333141"' in html
    assert registry.requests == ["/enheter/915333141"]


def test_typing_three_letters_of_a_name_offers_the_matching_units(world, client_for, registry):
    html = client_for(world.admin).get(LOOKUP, {"name": "bak"}, **HTMX).content.decode()
    assert "BAKERIET PÅ HJØRNET AS" in html
    assert "BAKERIET NORD AS" in html


def test_two_letters_ask_nothing(world, client_for, registry):
    html = client_for(world.admin).get(LOOKUP, {"name": "ba"}, **HTMX).content.decode()
    assert "Brønnøysund" not in html
    assert registry.requests == []


def test_a_bankrupt_unit_is_offered_with_its_warning(world, client_for, registry):
    html = client_for(world.admin).get(LOOKUP, {"org_number": "932222221"}).content.decode()
    assert "SNEKKER KONKURS AS" in html
    assert "Konkurs." in html


def test_the_card_area_that_shows_the_units_is_announced_to_screen_readers(
    world, client_for, registry
):
    html = client_for(world.admin).get(CREATE).content.decode()
    assert 'id="registry-results" class="registry-results" aria-live="polite"' in html
    assert 'hx-trigger="input changed delay:400ms"' in html
    assert f'hx-get="{LOOKUP}"' in html
    # Either field sends both, so the hints of one do not wipe the other's.
    assert 'hx-include="#id_name, #id_org_number"' in html


def test_a_registry_that_does_not_answer_says_so_quietly(world, client_for, registry):
    registry.behaviour = brreg_fake.ERROR
    response = client_for(world.admin).get(LOOKUP, {"name": "bakeriet"}, **HTMX)
    assert response.status_code == 200
    assert "Brønnøysund svarer ikke nå." in response.content.decode()


def test_an_employee_may_not_look_up(world, client_for, registry):
    assert client_for(world.employee).get(LOOKUP, {"name": "bakeriet"}).status_code == 403
    assert registry.requests == []


# --- "Søk i Brønnøysund" and choosing a unit (the same without JavaScript) ---------


def test_the_search_button_lists_the_units_and_saves_nothing(world, client_for, registry):
    response = client_for(world.admin).post(CREATE, empty_card(name="bakeriet", brreg_search="1"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "BAKERIET NORD AS" in html
    assert "error-summary" not in html  # no errors for the fields left empty yet
    assert not Customer.objects.filter(company=world.company, name__icontains="bakeriet").exists()


def test_the_search_button_prefers_the_org_number(world, client_for, registry):
    client_for(world.admin).post(
        CREATE, empty_card(name="bakeriet", org_number="921 111 118", brreg_search="1")
    )
    assert registry.requests == ["/enheter/921111118"]


def test_choosing_a_unit_fills_the_card_and_the_user_saves_it(world, client_for, registry):
    client = client_for(world.admin)
    response = client.post(CREATE, empty_card(brreg_use="915333141"))
    form = response.context["form"]
    assert response.status_code == 200
    assert {name: form[name].value() for name in ("name", "kind", "org_number")} == {
        "name": "BAKERIET PÅ HJØRNET AS",
        "kind": CustomerKind.COMPANY,
        "org_number": "915 333 141",
    }
    assert form["address"].value() == "Storgata 12, Inngang B"
    assert (form["postal_code"].value(), form["postal_place"].value()) == ("0155", "OSLO")
    assert "Fylt ut fra Brønnøysund" in response.content.decode()
    assert not Customer.objects.filter(org_number="915333141").exists()

    # Every field can still be changed before "Lagre".
    data = {**form.data, "name": "Bakeriet på hjørnet AS", "postal_place": "Oslo"}
    data.pop("brreg_use")
    assert client.post(CREATE, data).status_code == 302
    customer = Customer.objects.get(company=world.company, org_number="915333141")
    assert (customer.name, customer.postal_place) == ("Bakeriet på hjørnet AS", "Oslo")


def test_a_unit_without_business_address_fills_its_postal_address(world, client_for, registry):
    response = client_for(world.admin).post(CREATE, empty_card(brreg_use="921111118"))
    form = response.context["form"]
    assert (form["address"].value(), form["postal_code"].value()) == ("Postboks 44", "9008")


def test_choosing_a_bankrupt_unit_asks_first_and_fills_nothing(world, client_for, registry):
    response = client_for(world.admin).post(CREATE, empty_card(brreg_use="932222221"))
    html = response.content.decode()
    assert response.context["form"]["name"].value() == ""
    assert "SNEKKER KONKURS AS" in html
    assert "Konkurs." in html
    assert 'name="brreg_confirm" value="932222221"' in html


def test_confirming_a_bankrupt_unit_fills_the_card_with_the_warning_beside_it(
    world, client_for, registry
):
    response = client_for(world.admin).post(CREATE, empty_card(brreg_confirm="932222221"))
    html = response.content.decode()
    assert response.context["form"]["name"].value() == "SNEKKER KONKURS AS"
    assert "Advarsel" in html
    assert "Konkurs." in html


def test_a_unit_under_liquidation_or_deleted_asks_first_too(world, client_for, registry):
    client = client_for(world.admin)
    for number, warning in [
        ("943333335", "Under avvikling."),
        ("954444449", "Slettet i registeret."),
        ("965555552", "Slettet i registeret."),
    ]:
        response = client.post(CREATE, empty_card(brreg_use=number))
        assert response.context["form"]["org_number"].value() == ""
        assert warning in response.content.decode()


def test_choosing_while_the_registry_is_down_leaves_the_card_as_it_was(world, client_for, registry):
    registry.behaviour = brreg_fake.SLOW
    data = empty_card(name="Bakeriet", brreg_use="915333141")
    response = client_for(world.admin).post(CREATE, data, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"]["name"].value() == "Bakeriet"
    assert "Brønnøysund svarer ikke nå." in html


def test_the_card_saves_as_before_when_the_registry_is_down(world, client_for, registry):
    registry.behaviour = brreg_fake.ERROR
    assert client_for(world.admin).post(CREATE, new_customer_post()).status_code == 302


def test_the_edit_card_offers_the_look_up_too(world, client_for, registry):
    client = client_for(world.admin)
    html = client.get(detail(world.customer)).content.decode()
    assert f'hx-get="{LOOKUP}?customer={world.customer.pk}"' in html
    response = client.post(detail(world.customer), card_post(world.customer, brreg_use="915333141"))
    assert response.context["form"]["org_number"].value() == "915 333 141"
    world.customer.refresh_from_db()
    assert world.customer.org_number == ""  # not saved until "Lagre"


# --- "Oppdater fra Brønnøysund" --------------------------------------------------------


def registered_customer(world, **fields):
    values = {
        "name": "Bakeriet på hjørnet",
        "org_number": "915333141",
        "address": "Storgata 12",
        "postal_code": "0155",
        "postal_place": "Oslo",
        **fields,
    }
    return CustomerFactory(company=world.company, **values)


def test_a_card_with_an_org_number_offers_the_update(world, client_for, registry):
    customer = registered_customer(world)
    client = client_for(world.admin)
    assert "Oppdater fra Brønnøysund" in client.get(detail(customer)).content.decode()
    assert "Oppdater fra Brønnøysund" not in client.get(detail(world.customer)).content.decode()


def test_the_update_shows_each_difference_before_saving(world, client_for, registry):
    customer = registered_customer(world)
    response = client_for(world.admin).get(refresh(customer), **HTMX)
    assert response.status_code == 200
    assert [tuple(map(str, row)) for row in response.context["rows"]] == [
        ("Navn", "Bakeriet på hjørnet", "BAKERIET PÅ HJØRNET AS"),
        ("Adresse", "Storgata 12", "Storgata 12, Inngang B"),
        ("Poststed", "Oslo", "OSLO"),
    ]
    customer.refresh_from_db()
    assert customer.version == 1


def test_saving_the_update_changes_the_card_and_its_history(world, client_for, registry):
    customer = registered_customer(world, email="post@bakeriet.no")
    response = client_for(world.admin).post(refresh(customer), {"version": customer.version})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.name, customer.postal_place) == ("BAKERIET PÅ HJØRNET AS", "OSLO")
    assert customer.email == "post@bakeriet.no"  # what the registry does not hold stays
    assert customer.version == 2
    latest = customer_history(customer)[0]
    assert latest.by == world.admin.name
    assert ("Poststed", "Oslo", "OSLO") in [tuple(map(str, row)) for row in latest.fields]


def test_an_update_after_someone_else_saved_is_refused_with_409(world, client_for, registry):
    customer = registered_customer(world)
    stale = customer.version
    Customer.objects.filter(pk=customer.pk).update(version=stale + 1, note="Ny merknad")
    response = client_for(world.admin).post(refresh(customer), {"version": stale})
    assert response.status_code == 409
    customer.refresh_from_db()
    assert customer.name == "Bakeriet på hjørnet"


def test_a_card_that_matches_the_registry_has_nothing_to_update(world, client_for, registry):
    customer = registered_customer(
        world,
        name="BAKERIET PÅ HJØRNET AS",
        address="Storgata 12, Inngang B",
        postal_place="OSLO",
    )
    response = client_for(world.admin).get(refresh(customer))
    assert "ingenting å oppdatere" in response.content.decode()


def test_the_update_says_when_the_registry_does_not_answer(world, client_for, registry):
    registry.behaviour = brreg_fake.MALFORMED
    customer = registered_customer(world)
    response = client_for(world.admin).post(refresh(customer), {"version": customer.version})
    assert response.status_code == 200
    assert "Brønnøysund svarer ikke nå." in response.content.decode()
    customer.refresh_from_db()
    assert customer.version == 1


def test_the_update_of_a_bankrupt_unit_shows_the_warning(world, client_for, registry):
    customer = registered_customer(world, name="Snekker", org_number="932222221")
    assert "Konkurs." in client_for(world.admin).get(refresh(customer)).content.decode()


def test_another_firms_customer_cannot_be_updated(world, client_for, registry):
    response = client_for(world.admin).get(refresh(world.other_customer))
    assert response.status_code == 404
