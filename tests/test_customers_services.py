"""Customer services and selectors: numbering, validation, search, soft delete,
history and optimistic locking."""

import pghistory
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import ProtectedError
from django_scopes import scope

from core.models import StaleVersion
from customers import selectors, services
from customers.models import Customer, CustomerEvent, search_key

from .factories import CompanyFactory, ContactPersonFactory, CustomerFactory


def create(world, **data):
    values = {"name": "Ola Nordmann", "kind": "person"}
    values.update(data)
    return services.customer_create(
        company=world.company, by=world.admin, data=values, contacts=data.pop("contacts", [])
    )


def test_first_customer_of_a_firm_gets_number_10000(db):
    company = CompanyFactory()
    assert services.customer_next_number(company=company) == 10000


def test_next_number_is_one_above_the_highest_including_deleted(world):
    CustomerFactory(company=world.company, number=12345, deleted_at="2026-01-01T10:00Z")
    CustomerFactory(company=world.other_company, number=99999)
    assert services.customer_next_number(company=world.company) == 12346
    customer = create(world)
    assert customer.number == 12346


def test_number_already_used_in_the_firm_is_refused(world):
    with pytest.raises(ValidationError) as error:
        create(world, number=world.customer.number)
    assert "number" in error.value.message_dict


def test_org_number_is_validated_and_stored_as_nine_digits(world):
    customer = create(world, kind="company", name="Bygg AS", org_number="923 609 016")
    assert customer.org_number == "923609016"
    assert customer.org_number_display == "923 609 016"
    with pytest.raises(ValidationError) as error:
        create(world, kind="company", name="Feil AS", org_number="923609017")
    assert "org_number" in error.value.message_dict


def test_private_person_cannot_have_an_org_number(world):
    with pytest.raises(ValidationError) as error:
        create(world, kind="person", org_number="923609016")
    assert "org_number" in error.value.message_dict


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("41234567", "+4741234567"),
        ("+47 412 34 567", "+4741234567"),
        ("+46 8 123 456 78", "+46812345678"),
    ],
)
def test_phone_is_stored_in_e164_and_norwegian_numbers_need_no_prefix(world, typed, stored):
    assert create(world, phone=typed).phone == stored


def test_invalid_phone_and_postal_code_are_refused(world):
    with pytest.raises(ValidationError) as error:
        create(world, phone="123", postal_code="12a4")
    assert set(error.value.message_dict) == {"phone", "postal_code"}
    assert not Customer.objects.filter(name="Ola Nordmann").exists()


def test_invalid_contact_person_leaves_nothing_half_saved(world):
    with pytest.raises(ValidationError):
        create(world, contacts=[{"name": "Grei Kontakt"}, {"name": "", "email": "x"}])
    assert not Customer.objects.filter(name="Ola Nordmann").exists()


def test_create_records_history_and_builds_the_search_text(world):
    customer = create(
        world,
        name="Bjørn Ås",
        email="Bjorn@Example.no",
        phone="41234567",
        contacts=[{"name": "Ærlige Øyvind"}],
    )
    assert (
        customer.search_text
        == f"bjorn as {customer.number} bjorn@example.no +4741234567 aerlige oyvind"
    )
    event = CustomerEvent.objects.get(pgh_obj=customer)
    assert event.pgh_label == "insert" and event.name == "Bjørn Ås"


def test_search_key_folds_case_and_norwegian_letters():
    assert search_key("  Kåre  BJØRN Ærø ") == "kare bjorn aero"


def test_search_matches_substring_without_case_or_accents(world):
    customer = create(world, name="Kari Nordmann", phone="91234567", contacts=[{"name": "Åse"}])
    with scope(company=world.company.pk):
        found = lambda q: list(selectors.search_customers(Customer.objects.all(), q))  # noqa: E731
        assert customer in found("nord")
        assert customer in found("NORDMANN kari")
        assert customer in found("ase")
        assert customer in found("912 34 567")
        assert customer in found(str(customer.number))
        assert customer not in found("nordkapp")


def test_update_records_who_changed_which_field(world):
    customer = create(world, name="Ola Nordmann", phone="41234567")
    data = {
        "name": "Ola Nordmann",
        "number": customer.number,
        "kind": "person",
        "phone": "92345678",
        "note": "Ny",
    }
    with pghistory.context(user=world.moderator.pk):
        updated = services.customer_update(
            customer=customer, by=world.moderator, version=1, data=data, contacts=[]
        )
    assert updated.version == 2
    change = selectors.customer_history(customer)[0]
    assert change.by == "Lars Moen"
    assert [(str(label), old, new) for label, old, new in change.fields] == [
        ("Telefon", "+47 41 23 45 67", "+47 92 34 56 78"),
        ("Notat", "–", "Ny"),
    ]


def test_unchanged_save_records_nothing(world):
    customer = create(world)
    data = {"name": customer.name, "number": customer.number, "kind": "person"}
    services.customer_update(customer=customer, by=world.admin, version=1, data=data, contacts=[])
    customer.refresh_from_db()
    assert customer.version == 1
    assert CustomerEvent.objects.filter(pgh_obj=customer).count() == 1


def test_stale_version_is_refused_and_changes_nothing(world):
    customer = create(world)
    data = {"name": "Først", "number": customer.number, "kind": "person"}
    services.customer_update(
        customer=customer, by=world.moderator, version=1, data=data, contacts=[]
    )
    with pytest.raises(StaleVersion) as error:
        services.customer_update(
            customer=customer,
            by=world.admin,
            version=1,
            data={**data, "name": "Sist"},
            contacts=[],
        )
    assert "Lars Moen" in str(error.value.message)
    customer.refresh_from_db()
    assert customer.name == "Først"


def test_set_inactive_and_back_only_changes_status_and_history(world):
    customer = create(world)
    services.customer_set_active(customer=customer, by=world.admin, active=False)
    customer.refresh_from_db()
    assert not customer.is_active
    assert customer.version == 1
    services.customer_set_active(customer=customer, by=world.admin, active=True)
    actions = [change.action for change in selectors.customer_history(customer)]
    assert actions == ["satt til aktiv", "satt til inaktiv", "opprettet"]


def test_soft_delete_keeps_the_row_projects_and_hours(world):
    services.customer_delete(customer=world.customer, by=world.admin)
    customer = Customer.objects.get(pk=world.customer.pk)
    assert customer.deleted_by == world.admin
    assert customer.deleted_at is not None
    assert customer not in Customer.objects.alive()
    world.entry.refresh_from_db()
    assert world.entry.customer.name == "Kari Nordmann"
    assert selectors.customer_history(customer)[0].action == "slettet"
    with pytest.raises(ValidationError):
        services.customer_set_active(customer=customer, by=world.admin, active=False)


def test_restore_brings_a_deleted_customer_back(world):
    services.customer_delete(customer=world.customer, by=world.admin)
    services.customer_restore(customer=world.customer, by=world.admin)
    customer = Customer.objects.get(pk=world.customer.pk)
    assert customer.deleted_at is None
    assert selectors.customer_history(customer)[0].action == "gjenopprettet"


def test_hard_delete_cannot_cascade_into_history(world):
    with pytest.raises(ProtectedError):
        world.customer.delete()


def test_list_selector_gives_each_row_its_first_contact(world):
    ContactPersonFactory(customer=world.customer, name="Andre Kontakt")
    with scope(company=world.company.pk):
        rows = list(selectors.customer_page_rows(selectors.customer_list()[:50]))
    assert [(c.name, c.contact_name, c.contact_count) for c in rows] == [
        ("Kari Nordmann", "Kari Kontakt", 2)
    ]


def test_demo_loads_about_thirty_customers_per_firm_once(db):
    call_command("demo", verbosity=0)
    call_command("demo", verbosity=0)
    for company_name in ("Demo Bygg AS", "Annen Firma AS"):
        customers = Customer.objects.filter(company__name=company_name)
        assert 25 <= customers.count() <= 35
        assert customers.filter(kind="person").exists()
        assert customers.filter(is_active=False).count() >= 2
        assert customers.filter(contacts__isnull=False).exists()
        for customer in customers.filter(kind="company"):
            assert len(customer.org_number) == 9


def test_setting_a_customer_inactive_says_who_changed_it_last(world):
    customer = create(world)
    services.customer_set_active(customer=customer, by=world.moderator, active=False)
    customer.refresh_from_db()
    assert (customer.is_active, customer.updated_by) == (False, world.moderator)
