"""Every customers URL: works, 403 for Ansatt, 404 for another firm, 405 for the wrong
method, an htmx fragment without <html, and invalid input kept with a 422."""

from django.urls import reverse

from customers.models import ContactPerson, Customer, CustomerKind
from customers.selectors import customer_history
from customers.services import customer_refresh_search_text, customer_update

from .factories import ContactPersonFactory, CustomerFactory

HTMX = {"HTTP_HX_REQUEST": "true"}
LIST = "/customers/"
CREATE = "/customers/new/"


def detail(customer):
    return reverse("customers:detail", args=[customer.pk])


def readable(fields):
    """A history entry's (label, old, new) rows as the reader sees them."""
    return [(str(label), old, new) for label, old, new in fields]


def card_post(customer, **changes):
    """The card's form as the browser posts it, with ``changes`` applied."""
    data = {
        "name": customer.name,
        "number": customer.number,
        "kind": customer.kind,
        "org_number": customer.org_number,
        "email": customer.email,
        "phone": customer.phone,
        "address": customer.address,
        "postal_code": customer.postal_code,
        "postal_place": customer.postal_place,
        "invoice_address": customer.invoice_address,
        "note": customer.note,
        "version": customer.version,
    }
    contacts = list(customer.contacts.all())
    data.update(
        {
            "contacts-TOTAL_FORMS": len(contacts),
            "contacts-INITIAL_FORMS": len(contacts),
        }
    )
    for index, contact in enumerate(contacts):
        for field in ("id", "name", "title", "phone", "email"):
            data[f"contacts-{index}-{field}"] = getattr(contact, field)
    data.update(changes)
    return data


def new_customer_post(**changes):
    data = {
        "name": "Bjørnstad Elektro AS",
        "number": "20001",
        "kind": "company",
        "org_number": "923 609 016",
        "email": "post@bjornstad.no",
        "phone": "912 34 567",
        "postal_code": "0150",
        "postal_place": "Oslo",
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "0",
        "contacts-0-name": "Åse Bjørnstad",
        "contacts-0-title": "Daglig leder",
        "contacts-0-phone": "",
        "contacts-0-email": "",
    }
    data.update(changes)
    return data


# --- the list ---------------------------------------------------------------


def test_admin_sees_active_customers_with_counts_on_both_tabs(world, client_for):
    CustomerFactory(company=world.company, name="Sovende Kunde", is_active=False)
    response = client_for(world.admin).get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kari Nordmann" in html
    assert "Sovende Kunde" not in html
    assert "Fremmed Kunde" not in html
    tabs = response.context["tabs"]
    assert [(t["label"], t["count"], t["current"]) for t in tabs] == [
        ("Aktive", 1, True),
        ("Inaktive", 1, False),
    ]


def test_a_list_row_shows_the_customer_as_typed_escaped_and_how_to_reach_it(world, client_for):
    """The rows are written by Python (customers/rows.py): the name escaped and a link
    to the card, the first contact person and how many more, the phone number grouped
    and the e-mail as links; "–" for what a customer lacks."""
    marked = CustomerFactory(
        company=world.company,
        name='<b>"Bad" & Co</b>',
        phone="+4791234567",
        email="post@bad.no",
    )
    ContactPersonFactory(customer=marked, name="<i>Åse</i>")
    ContactPersonFactory(customer=marked, name="Bjørn")
    bare = CustomerFactory(company=world.company, name="Uten Kontakt", phone="", email="")
    html = client_for(world.admin).get(LIST).content.decode()

    def row(customer):
        start = html.index(f'<tr id="customer-{customer.pk}">')
        return html[start : html.index("</tr>", start)]

    assert "<b>" not in html and "<i>" not in html
    first = row(marked)
    assert (
        f'<a href="/customers/{marked.pk}/">&lt;b&gt;&quot;Bad&quot; &amp; Co&lt;/b&gt;</a>'
        in first
    )
    assert '&lt;i&gt;Åse&lt;/i&gt; <span class="muted">+1</span>' in first
    assert '<a href="tel:+4791234567">+47 91 23 45 67</a><br><a href="mailto:post@bad.no">' in first
    assert f'class="num">{marked.number}</td>' in first
    other = row(bare)
    assert '<td data-label="Kontaktperson" class="blank">–</td>' in other
    assert '<td data-label="Telefon / e-post">–</td>' in other


def test_inactive_tab_lists_only_inactive_customers(world, client_for):
    CustomerFactory(company=world.company, name="Sovende Kunde", is_active=False)
    html = client_for(world.moderator).get(LIST + "?status=inactive").content.decode()
    assert "Sovende Kunde" in html
    assert "Kari Nordmann" not in html


def test_deleted_customer_is_on_neither_tab_nor_in_search(world, client_for):
    CustomerFactory(company=world.company, name="Borte Kunde", deleted_at="2026-01-01T10:00Z")
    client = client_for(world.admin)
    for url in (LIST, LIST + "?status=inactive", LIST + "?q=borte"):
        assert "Borte Kunde" not in client.get(url).content.decode()
    counts = client.get(LIST).context["tabs"]
    assert [t["count"] for t in counts] == [1, 0]


def test_search_finds_contact_names_ignoring_case_and_accents(world, client_for):
    customer_refresh_search_text(customer=world.customer)
    client = client_for(world.admin)
    assert "Kari Nordmann" in client.get(LIST + "?q=NORD").content.decode()
    assert "Kari Nordmann" in client.get(LIST + "?q=kontakt").content.decode()
    response = client.get(LIST + "?q=finnesikke")
    assert "Kari Nordmann" not in response.content.decode()
    assert "finnesikke" in response.content.decode()


def test_list_is_sorted_by_number_when_asked(world, client_for):
    CustomerFactory(company=world.company, name="Aaa", number=99999)
    rows = client_for(world.admin).get(LIST + "?sort=-number").context["page"].object_list
    assert [c.name for c in rows][:1] == ["Aaa"]
    rows = client_for(world.admin).get(LIST + "?sort=name").context["page"].object_list
    assert [c.name for c in rows] == ["Aaa", "Kari Nordmann"]


def test_list_pages_hold_fifty_customers(world, client_for):
    CustomerFactory.create_batch(60, company=world.company)
    client = client_for(world.admin)
    assert len(client.get(LIST).context["page"].object_list) == 50
    second = client.get(LIST + "?page=2")
    assert len(second.context["page"].object_list) == 11
    assert "Side 2 av 2" in second.content.decode()


def test_page_links_keep_the_lists_sort_and_search(world, client_for):
    CustomerFactory.create_batch(60, company=world.company, name="Bakeri")
    html = client_for(world.admin).get(LIST, {"q": "bakeri", "sort": "-number"}).text
    assert 'href="/customers/?q=bakeri&amp;sort=-number&amp;page=2" hx-get=' in html
    assert 'rel="next">Neste</a>' in html


def test_htmx_list_request_returns_only_the_list(world, client_for):
    response = client_for(world.admin).get(LIST + "?q=kari", **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="customer-list"' in html
    assert "Kari Nordmann" in html
    assert "HX-Request" in response["Vary"]


def test_list_without_javascript_has_real_links_and_a_get_form(world, client_for):
    html = client_for(world.admin).get(LIST).content.decode()
    assert 'method="get" action="/customers/"' in html
    assert 'href="/customers/?status=inactive"' in html
    assert f'href="{CREATE}"' in html


def test_employee_cannot_open_customer_list(world, client_for):
    assert client_for(world.employee).get(LIST).status_code == 403


def test_list_rejects_post(world, client_for):
    assert client_for(world.admin).post(LIST).status_code == 405


# --- create -----------------------------------------------------------------


def test_create_form_suggests_the_next_free_number(world, client_for):
    response = client_for(world.admin).get(CREATE)
    assert response.status_code == 200
    assert response.context["form"]["number"].value() == world.customer.number + 1
    assert "Opprett kunde" in response.content.decode()


def test_admin_creates_customer_with_contact_person(world, client_for):
    response = client_for(world.admin).post(CREATE, new_customer_post())
    customer = Customer.objects.get(company=world.company, name="Bjørnstad Elektro AS")
    assert response.status_code == 302
    assert response["Location"] == detail(customer)
    assert customer.org_number == "923609016"
    assert customer.phone == "+4791234567"
    assert customer.created_by == world.admin
    assert [c.name for c in customer.contacts.all()] == ["Åse Bjørnstad"]
    assert "ase bjornstad" in customer.search_text


def test_invalid_create_gives_422_with_messages_and_saves_nothing(world, client_for):
    data = new_customer_post(org_number="123456789", phone="12", postal_code="12345")
    response = client_for(world.admin).post(CREATE, data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "gyldig norsk organisasjonsnummer" in html
    assert "Bjørnstad Elektro AS" in html  # the input is kept
    assert not Customer.objects.filter(name="Bjørnstad Elektro AS").exists()
    assert not ContactPerson.objects.filter(name="Åse Bjørnstad").exists()


def test_invalid_contact_person_saves_neither_customer_nor_contact(world, client_for):
    data = new_customer_post(**{"contacts-0-email": "ikke-en-epost"})
    response = client_for(world.admin).post(CREATE, data)
    assert response.status_code == 422
    assert not Customer.objects.filter(name="Bjørnstad Elektro AS").exists()


def test_private_person_has_no_organisation_number(world, client_for):
    data = new_customer_post(kind="person")
    response = client_for(world.admin).post(CREATE, data)
    assert response.status_code == 422
    assert "Bare en bedrift har organisasjonsnummer" in response.content.decode()


def test_customer_number_is_unique_within_the_firm(world, client_for):
    data = new_customer_post(number=str(world.customer.number))
    response = client_for(world.admin).post(CREATE, data)
    assert response.status_code == 422
    assert "En annen kunde har allerede dette nummeret" in response.content.decode()
    # Another firm may use the same number.
    other = new_customer_post(number=str(world.customer.number))
    assert client_for(world.other_admin).post(CREATE, other).status_code == 302


def test_htmx_create_form_is_a_fragment_for_the_dialog(world, client_for):
    response = client_for(world.admin).get(CREATE, **HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="customer-form"' in html


def test_htmx_create_from_the_list_swaps_in_the_list_with_the_new_customer(world, client_for):
    response = client_for(world.admin).post(
        CREATE, new_customer_post(), **HTMX, HTTP_HX_CURRENT_URL="http://testserver/customers/"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert response["HX-Retarget"] == "#customer-list"
    assert "Bjørnstad Elektro AS" in html
    created = Customer.objects.get(name="Bjørnstad Elektro AS")
    assert f'<tr id="customer-{created.pk}" class="highlight">' in html
    assert f'<a href="/customers/{created.pk}/" data-focus>' in html
    assert html.count("data-focus") == 1
    assert "er opprettet" in html  # the confirmation message, swapped out of band
    assert "closeDialog" in response["HX-Trigger"]


def test_htmx_create_outside_the_list_sends_the_browser_to_the_card(world, client_for):
    response = client_for(world.admin).post(CREATE, new_customer_post(), **HTMX)
    customer = Customer.objects.get(name="Bjørnstad Elektro AS")
    assert response["HX-Redirect"] == detail(customer)


def test_htmx_invalid_create_returns_the_form_with_422(world, client_for):
    response = client_for(world.admin).post(CREATE, new_customer_post(name=""), **HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith("<form")


def test_add_contact_person_button_adds_an_empty_row_and_saves_nothing(world, client_for):
    data = new_customer_post(add_contact="1")
    response = client_for(world.admin).post(CREATE, data)
    assert response.status_code == 200
    assert 'name="contacts-1-name"' in response.content.decode()
    assert "Dette feltet er påkrevd" not in response.content.decode()
    assert not Customer.objects.filter(name="Bjørnstad Elektro AS").exists()


def test_remove_contact_person_button_hides_the_row(world, client_for):
    data = new_customer_post(remove_contact="0")
    response = client_for(world.admin).post(CREATE, data)
    html = response.content.decode()
    assert 'name="contacts-0-DELETE" value="on"' in html
    assert 'name="contacts-0-name"' not in html


def test_employee_cannot_create_customers(world, client_for):
    client = client_for(world.employee)
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, new_customer_post()).status_code == 403
    assert not Customer.objects.filter(name="Bjørnstad Elektro AS").exists()


def test_create_rejects_put(world, client_for):
    assert client_for(world.admin).put(CREATE).status_code == 405


# --- the card ---------------------------------------------------------------


def test_card_shows_data_contacts_history_and_related_section(world, client_for):
    world.customer.org_number = "923609016"
    world.customer.save()
    response = client_for(world.moderator).get(detail(world.customer))
    html = response.content.decode()
    assert response.status_code == 200
    assert "923 609 016" in html
    assert "Kari Kontakt" in html
    assert "Historikk" in html
    assert "Aktiv" in html


def test_card_of_another_firm_is_404(world, client_for):
    assert client_for(world.admin).get(detail(world.other_customer)).status_code == 404
    assert client_for(world.other_admin).get(detail(world.customer)).status_code == 404


def test_employee_cannot_open_or_save_a_card(world, client_for):
    client = client_for(world.employee)
    assert client.get(detail(world.customer)).status_code == 403
    assert client.post(detail(world.customer), card_post(world.customer)).status_code == 403


def test_card_rejects_delete_method(world, client_for):
    assert client_for(world.admin).delete(detail(world.customer)).status_code == 405


def test_htmx_card_is_a_fragment(world, client_for):
    html = client_for(world.admin).get(detail(world.customer), **HTMX).content.decode()
    assert "<html" not in html
    assert 'id="card"' in html


def test_saving_the_card_records_who_changed_which_field(world, client_for):
    data = card_post(world.customer, name="Kari Nordmann-Lie", phone="41234567")
    response = client_for(world.moderator).post(detail(world.customer), data)
    assert response.status_code == 302
    world.customer.refresh_from_db()
    assert world.customer.name == "Kari Nordmann-Lie"
    assert world.customer.version == 2
    assert world.customer.updated_by == world.moderator
    change = customer_history(world.customer)[0]
    assert change.by == "Lars Moen" and change.action == "endret"
    assert ("Navn", "Kari Nordmann", "Kari Nordmann-Lie") in readable(change.fields)
    html = client_for(world.admin).get(detail(world.customer)).content.decode()
    assert "Lars Moen" in html
    assert "Kari Nordmann-Lie" in html


def test_htmx_save_returns_the_card_with_a_message(world, client_for):
    data = card_post(world.customer, note="Ring før besøk")
    response = client_for(world.admin).post(detail(world.customer), data, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert response["HX-Retarget"] == "#card"
    assert "er lagret" in html


def test_invalid_card_gives_422_keeps_input_and_changes_nothing(world, client_for):
    data = card_post(world.customer, name="", email="ikke-epost", note="Nytt notat")
    response = client_for(world.admin).post(detail(world.customer), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Nytt notat" in html
    assert "Oppgi en gyldig e-postadresse" in html
    world.customer.refresh_from_db()
    assert world.customer.name == "Kari Nordmann"
    assert world.customer.note == ""


def test_second_save_of_the_same_card_is_refused_and_keeps_input(world, client_for):
    stale = card_post(world.customer, note="Mitt notat")
    customer_update(
        customer=world.customer,
        by=world.moderator,
        version=world.customer.version,
        data={**card_post(world.customer), "name": "Endret av Lars", "number": 10},
        contacts=[{"id": world.contact.pk, "name": "Kari Kontakt"}],
    )
    response = client_for(world.admin).post(detail(world.customer), stale)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Kunden er endret av Lars Moen siden du åpnet den" in html
    assert "Mitt notat" in html
    world.customer.refresh_from_db()
    assert world.customer.name == "Endret av Lars"
    assert world.customer.note == ""


def test_after_a_conflict_saving_the_kept_input_again_saves_it(world, client_for):
    client = client_for(world.admin)
    stale = card_post(world.customer, note="Mitt notat")
    customer_update(
        customer=world.customer,
        by=world.moderator,
        version=world.customer.version,
        data={**card_post(world.customer), "name": "Endret av Lars", "number": 10},
        contacts=[{"id": world.contact.pk, "name": "Kari Kontakt"}],
    )
    first = client.post(detail(world.customer), stale)
    assert first.status_code == 409
    assert "Det lagrede avviker fra ditt i: Navn" in first.text  # says what changed
    assert f'name="version" value="{world.customer.version + 1}"' in first.text

    again = client.post(detail(world.customer), {**stale, "version": world.customer.version + 1})

    assert again.status_code == 302
    world.customer.refresh_from_db()
    assert world.customer.note == "Mitt notat"


def test_card_adds_and_removes_contact_persons(world, client_for):
    client = client_for(world.admin)
    data = card_post(
        world.customer,
        **{
            "contacts-TOTAL_FORMS": "2",
            "contacts-1-name": "Ola Ny",
            "contacts-1-phone": "+47 922 33 444",
        },
    )
    assert client.post(detail(world.customer), data).status_code == 302
    assert [c.name for c in world.customer.contacts.all()] == ["Kari Kontakt", "Ola Ny"]
    world.customer.refresh_from_db()
    assert "ola ny" in world.customer.search_text
    data = card_post(world.customer, **{"contacts-0-DELETE": "on"})
    assert client.post(detail(world.customer), data).status_code == 302
    assert [c.name for c in world.customer.contacts.all()] == ["Ola Ny"]
    added, removed = customer_history(world.customer)[1], customer_history(world.customer)[0]
    assert ("Kontaktperson", "–", "Ola Ny") in readable(added.fields)
    assert readable(removed.fields) == [("Kontaktperson", "Kari Kontakt", "–")]


def test_htmx_add_contact_on_the_card_returns_the_form_with_a_new_row(world, client_for):
    data = card_post(world.customer, add_contact="1")
    response = client_for(world.admin).post(detail(world.customer), data, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<form")
    assert 'name="contacts-1-name"' in html


# --- status -----------------------------------------------------------------


def test_setting_inactive_moves_the_customer_to_the_inactive_tab(world, client_for):
    client = client_for(world.admin)
    url = reverse("customers:status", args=[world.customer.pk])
    response = client.post(url, {"active": "0"})
    assert response.status_code == 302
    assert "Kari Nordmann" in client.get(LIST + "?status=inactive").content.decode()
    assert "Kari Nordmann" not in client.get(LIST).content.decode()
    assert client.post(url, {"active": "1"}).status_code == 302
    assert "Kari Nordmann" in client.get(LIST).content.decode()
    actions = [change.action for change in customer_history(world.customer)]
    assert actions[:2] == ["satt til aktiv", "satt til inaktiv"]


def test_htmx_status_toggle_returns_status_and_history(world, client_for):
    url = reverse("customers:status", args=[world.customer.pk])
    response = client_for(world.admin).post(url, {"active": "0"}, **HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="customer-status"' in html
    assert 'aria-labelledby="history-title" hx-swap-oob="true"' in html
    assert "Sett aktiv" in html


def test_status_is_post_only_and_for_managers(world, client_for):
    url = reverse("customers:status", args=[world.customer.pk])
    assert client_for(world.admin).get(url).status_code == 405
    assert client_for(world.employee).post(url, {"active": "0"}).status_code == 403
    other = reverse("customers:status", args=[world.other_customer.pk])
    assert client_for(world.admin).post(other, {"active": "0"}).status_code == 404
    world.customer.refresh_from_db()
    assert world.customer.is_active


# --- delete -----------------------------------------------------------------


def test_delete_confirmation_explains_what_happens(world, client_for):
    url = reverse("customers:delete", args=[world.customer.pk])
    response = client_for(world.admin).get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Slett kunde" in html
    assert "timeføringer" in html.lower()


def test_delete_hides_the_customer_but_keeps_projects_and_hours(world, client_for):
    url = reverse("customers:delete", args=[world.customer.pk])
    response = client_for(world.moderator).post(url)
    assert response.status_code == 302
    assert response["Location"] == LIST
    customer = Customer.objects.get(pk=world.customer.pk)
    assert customer.deleted_by == world.moderator
    world.project.refresh_from_db()
    world.entry.refresh_from_db()
    assert world.project.customer_id == customer.pk
    assert world.entry.customer_id == customer.pk
    assert client_for(world.admin).get(detail(customer)).status_code == 404


def test_htmx_delete_redirects_the_browser_to_the_list(world, client_for):
    url = reverse("customers:delete", args=[world.customer.pk])
    client = client_for(world.admin)
    confirm = client.get(url, **HTMX).content.decode()
    assert "<html" not in confirm
    response = client.post(url, **HTMX)
    assert response["HX-Redirect"] == LIST


def test_delete_is_for_managers_of_the_firm_only(world, client_for):
    url = reverse("customers:delete", args=[world.customer.pk])
    assert client_for(world.employee).post(url).status_code == 403
    assert client_for(world.other_admin).post(url).status_code == 404
    assert client_for(world.admin).put(url).status_code == 405
    world.customer.refresh_from_db()
    assert world.customer.deleted_at is None


def test_card_of_a_person_customer_shows_type(world, client_for):
    person = CustomerFactory(company=world.company, name="Ola Privat", kind=CustomerKind.PERSON)
    ContactPersonFactory(customer=person, name="Ola Privat")
    html = client_for(world.admin).get(detail(person)).content.decode()
    assert "Privatperson" in html
