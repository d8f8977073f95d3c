"""Duplicates caught at the door: an org. no. belongs to one customer of a firm
(refused with a link to it), and a name like another customer's asks "Finnes
kunden allerede?" once, without blocking."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from customers import selectors, services
from customers.models import Customer

from .test_customers_views import CREATE, HTMX, card_post, detail, new_customer_post

ORG = "923609016"  # new_customer_post's "923 609 016"


def existing(world, **fields):
    values = {"name": "Bjørnstad Elektro", "kind": "company", "org_number": ORG, **fields}
    return services.customer_create(company=world.company, by=world.admin, data=values)


# --- the same org. no. ----------------------------------------------------------


def test_a_new_customer_with_a_taken_org_number_is_refused_with_a_link(world, client_for):
    owner = existing(world, name="Elektro Bjørnstad")
    response = client_for(world.admin).post(CREATE, new_customer_post())
    html = response.content.decode()
    assert response.status_code == 422
    assert f"Elektro Bjørnstad (kunde {owner.number}) har dette organisasjonsnummeret." in html
    assert f'href="{detail(owner)}"' in html
    assert Customer.objects.filter(company=world.company, org_number=ORG).count() == 1


def test_an_inactive_customer_keeps_its_org_number(world, client_for):
    owner = existing(world)
    services.customer_set_active(customer=owner, by=world.admin, active=False)
    html = client_for(world.admin).post(CREATE, new_customer_post()).content.decode()
    assert f"(kunde {owner.number}, inaktiv) har dette organisasjonsnummeret." in html
    assert f'href="{detail(owner)}"' in html


def test_a_deleted_customer_is_named_as_deleted_without_a_link(world, client_for):
    owner = existing(world)
    services.customer_delete(customer=owner, by=world.admin)
    response = client_for(world.admin).post(CREATE, new_customer_post())
    html = response.content.decode()
    assert response.status_code == 422
    assert f"(kunde {owner.number}, slettet) har dette organisasjonsnummeret." in html
    assert f'href="{detail(owner)}"' not in html


def test_editing_a_card_to_another_customers_org_number_is_refused(world, client_for):
    owner = existing(world)
    response = client_for(world.admin).post(
        detail(world.customer), card_post(world.customer, org_number="923 609 016")
    )
    assert response.status_code == 422
    assert f'href="{detail(owner)}"' in response.content.decode()


def test_a_card_keeps_its_own_org_number_when_saved_again(world, client_for):
    owner = existing(world)
    response = client_for(world.admin).post(detail(owner), card_post(owner, note="Ny merknad"))
    assert response.status_code == 302


def test_another_firm_may_have_the_same_org_number(world, client_for):
    existing(world)
    assert client_for(world.other_admin).post(CREATE, new_customer_post()).status_code == 302


def test_typing_a_taken_org_number_says_whose_it_is_at_once(world, client_for, registry):
    owner = existing(world)
    url = reverse("customers:lookup")
    html = client_for(world.admin).get(url, {"org_number": "923 609 016"}, **HTMX)
    html = html.content.decode()
    assert "har dette organisasjonsnummeret" in html
    assert f'href="{detail(owner)}"' in html


def test_the_service_refuses_a_taken_org_number_for_every_writer(world):
    existing(world)
    with pytest.raises(ValidationError) as refused:
        services.customer_create(
            company=world.company,
            by=world.admin,
            data={"name": "Kopi", "kind": "company", "org_number": ORG},
        )
    assert "org_number" in refused.value.message_dict


def test_the_database_has_the_last_word_when_two_save_at_once(world):
    # What the form and the service's check cannot see: a row that is not yet there
    # when they look. The unique constraint still refuses the second one.
    existing(world)
    copy = Customer(company=world.company, number=99999, name="Kopi", org_number=ORG)
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


def test_a_lost_race_for_the_org_number_is_a_field_error(world, monkeypatch):
    existing(world)
    # As if the other save had not committed when this one checked.
    monkeypatch.setattr(Customer, "validate_constraints", lambda self, exclude=None: None)
    with pytest.raises(ValidationError) as refused:
        services.customer_create(
            company=world.company,
            by=world.admin,
            data={"name": "Kopi", "kind": "company", "org_number": ORG},
        )
    assert refused.value.message_dict["org_number"] == [
        "En annen kunde har allerede dette organisasjonsnummeret."
    ]


# --- similar names ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Bakeriet på hjørnet", "Bakeriet På Hjørnet AS"),
        ("Bakeriet  på hjørnet, ASA", "bakeriet pa hjornet"),
        ("Rør-Service A/S", "rør service"),
        ("Hansen & Sønn DA", "Hansen Sønn"),
        ("Ola Olsen ENK", "OLA OLSEN"),
    ],
)
def test_names_that_differ_in_case_spaces_punctuation_or_company_form_are_alike(one, other):
    assert selectors.name_key(one) == selectors.name_key(other)


def test_a_company_form_alone_is_still_a_name():
    assert selectors.name_key("AS") == "as"
    assert selectors.name_key("Bakeriet Nord") != selectors.name_key("Bakeriet")


def test_similar_customers_are_found_in_the_firm_only_and_not_deleted(world):
    alike = existing(world, name="Bakeriet på hjørnet", org_number="")
    gone = existing(world, name="Bakeriet på Hjørnet ANS", org_number="")
    services.customer_delete(customer=gone, by=world.admin)
    services.customer_create(
        company=world.other_company,
        by=world.other_admin,
        data={"name": "Bakeriet på hjørnet", "kind": "company"},
    )
    found = selectors.similar_customers(company=world.company, name="BAKERIET PÅ HJØRNET AS")
    assert found == [alike]
    assert (
        selectors.similar_customers(
            company=world.company, name="Bakeriet på hjørnet", exclude_pk=alike.pk
        )
        == []
    )


def test_typing_a_name_like_another_customers_asks_if_it_exists(world, client_for, registry):
    alike = existing(world, name="Bakeriet på hjørnet", org_number="")
    url = reverse("customers:lookup")
    html = client_for(world.admin).get(url, {"name": "Bakeriet På Hjørnet AS"}, **HTMX)
    html = html.content.decode()
    assert "Finnes kunden allerede?" in html
    assert f'href="{detail(alike)}"' in html
    # Seen as the user typed, the save does not ask again.
    assert 'name="similar_confirmed" value="bakeriet pa hjornet"' in html


def test_saving_a_name_like_another_customers_asks_once_then_saves(world, client_for):
    alike = existing(world, name="Bjørnstad Elektro", org_number="")
    client = client_for(world.admin)
    response = client.post(CREATE, new_customer_post())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Finnes kunden allerede?" in html
    assert f'href="{detail(alike)}"' in html
    assert not Customer.objects.filter(name="Bjørnstad Elektro AS").exists()

    again = client.post(CREATE, new_customer_post(similar_confirmed="bjornstad elektro"))
    assert again.status_code == 302
    assert Customer.objects.filter(name="Bjørnstad Elektro AS").exists()


def test_a_name_changed_after_the_hint_is_checked_again(world, client_for):
    existing(world, name="Bjørnstad Elektro", org_number="")
    existing(world, name="Elektro Nord", org_number="")
    data = new_customer_post(name="Elektro Nord AS", similar_confirmed="bjornstad elektro")
    response = client_for(world.admin).post(CREATE, data)
    assert "Finnes kunden allerede?" in response.content.decode()


def test_saving_a_card_without_changing_its_name_never_asks(world, client_for):
    existing(world, name="Kari Nordmann AS", org_number="")
    response = client_for(world.admin).post(
        detail(world.customer), card_post(world.customer, note="Ny merknad")
    )
    assert response.status_code == 302


def test_a_deleted_customers_org_number_still_counts_for_an_import(world):
    owner = existing(world)
    Customer.objects.filter(pk=owner.pk).update(deleted_at=timezone.now())
    assert selectors.org_number_owner(company=world.company, org_number=ORG) == owner
