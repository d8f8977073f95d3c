"""The firm's own absence types: the Administrator keeps them beside the overtime rules,
employees ask for them in "Fravær", and an absence of one counts as paid or unpaid
leave by the type's flag."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope

from worktime import services
from worktime.forms import AbsenceForm
from worktime.models import Absence, AbsenceKind, AbsenceType

from .factories import AbsenceFactory, AbsenceTypeFactory

pytestmark = pytest.mark.django_db

ABSENCES = reverse("worktime:absences")
RULES = reverse("worktime:rules")


def ask(client, kind, start="2027-03-02"):
    return client.post(ABSENCES, {"kind": kind, "start": start, "end": start})


def form_errors(response, name="form"):
    return {k: list(v) for k, v in response.context[name].errors.items()}


def test_an_administrator_adds_a_type_and_an_employee_asks_for_it(world, client_for):
    admin = client_for(world.admin)
    response = admin.post(
        reverse("worktime:absence_type_create"), {"name": " Kurs ", "active": "on"}
    )
    assert response.status_code == 302
    with scope(company=world.company):
        course = AbsenceType.objects.get()
    assert (course.name, course.paid, course.active) == ("Kurs", False, True)
    assert "Kurs" in admin.get(RULES).content.decode()

    employee = client_for(world.employee)
    page = employee.get(ABSENCES)
    assert (f"type-{course.pk}", "Kurs") in page.context["form"].fields["kind"].choices
    assert ask(employee, f"type-{course.pk}").status_code == 302
    with scope(company=world.company):
        absence = Absence.objects.get(user=world.employee)
    assert (absence.custom_type, absence.kind) == (course, AbsenceKind.UNPAID_LEAVE)
    assert "<strong>Kurs</strong>" in employee.get(ABSENCES).content.decode()
    requests = client_for(world.moderator).get(reverse("worktime:absence_requests"))
    assert "Per Hansen: Kurs" in requests.content.decode()


def test_a_duplicate_name_among_the_active_types_is_refused_next_to_the_name(world, client_for):
    AbsenceTypeFactory(company=world.company, name="Velferdspermisjon")
    old = AbsenceTypeFactory(company=world.company, name="Kurs", active=False)
    admin = client_for(world.admin)
    url = reverse("worktime:absence_type_create")
    response = admin.post(url, {"name": "velferdsPERMISJON", "paid": "on", "active": "on"})
    assert response.status_code == 422
    assert form_errors(response, "type_form") == {
        "name": ["Firmaet har allerede en aktiv type med dette navnet."]
    }
    # An inactive type's name may be used again, but not reactivated beside the new one.
    assert admin.post(url, {"name": "kurs", "active": "on"}).status_code == 302
    update = reverse("worktime:absence_type_update", args=[old.pk])
    response = admin.post(update, {"name": "Kurs", "active": "on"})
    assert response.status_code == 422
    assert "name" in response.context["form"].errors
    with scope(company=world.company):
        assert AbsenceType.objects.filter(active=True).count() == 2
    # Another firm may have a type of the same name.
    AbsenceTypeFactory(company=world.other_company, name="Velferdspermisjon")


def test_the_database_refuses_two_active_types_of_one_name(world):
    AbsenceTypeFactory(company=world.company, name="Kurs")
    with pytest.raises(IntegrityError), transaction.atomic():
        AbsenceTypeFactory(company=world.company, name="KURS")


def test_another_firms_type_and_an_inactive_type_are_refused(world, client_for):
    foreign = AbsenceTypeFactory(company=world.other_company, name="Fremmed")
    inactive = AbsenceTypeFactory(company=world.company, name="Kurs", active=False)
    employee = client_for(world.employee)
    choices = dict(employee.get(ABSENCES).context["form"].fields["kind"].choices)
    assert "Kurs" not in choices.values() and "Fremmed" not in choices.values()
    for custom_type in (foreign, inactive):
        response = ask(employee, f"type-{custom_type.pk}")
        assert response.status_code == 422
        assert list(form_errors(response)) == ["kind"]
    # The service refuses them too, whatever the form offered.
    day = datetime.date(2027, 3, 2)
    with scope(company=world.company):
        for custom_type in (foreign, inactive):
            with pytest.raises(ValidationError) as refused:
                services.absence_request(
                    user=world.employee, by=world.employee, kind=AbsenceKind.HOLIDAY,
                    start=day, end=day, custom_type=custom_type,
                )  # fmt: skip
            assert refused.value.message_dict == {"kind": ["Velg en av typene som tilbys."]}
        assert not Absence.objects.exists()


def test_the_database_keeps_an_absence_to_its_own_firms_type(world):
    foreign = AbsenceTypeFactory(company=world.other_company)
    with pytest.raises(IntegrityError), transaction.atomic():
        AbsenceFactory(user=world.employee, kind=AbsenceKind.PAID_LEAVE, custom_type=foreign)
    own = AbsenceTypeFactory(company=world.company)
    with pytest.raises(IntegrityError), transaction.atomic():
        AbsenceFactory(user=world.employee, kind=AbsenceKind.HOLIDAY, custom_type=own)


def test_a_type_in_use_is_deactivated_not_deleted_and_keeps_its_name(world, client_for):
    course = AbsenceTypeFactory(company=world.company, name="Kurs", paid=True)
    AbsenceFactory(user=world.employee, kind=AbsenceKind.PAID_LEAVE, custom_type=course)
    unused = AbsenceTypeFactory(company=world.company, name="Velferdspermisjon")
    admin = client_for(world.admin)
    response = admin.post(reverse("worktime:absence_type_delete", args=[course.pk]), follow=True)
    assert "«Kurs» er i bruk og kan ikke slettes" in response.content.decode()
    assert admin.post(reverse("worktime:absence_type_delete", args=[unused.pk])).status_code == 302
    with scope(company=world.company):
        assert list(AbsenceType.objects.all()) == [course]

    update = reverse("worktime:absence_type_update", args=[course.pk])
    # Unticked "paid" and "active": deactivated, and its absence now counts as unpaid.
    assert admin.post(update, {"name": "Kurs"}).status_code == 302
    with scope(company=world.company):
        absence = Absence.objects.get()
    assert absence.kind == AbsenceKind.UNPAID_LEAVE
    employee = client_for(world.employee)
    page = employee.get(ABSENCES)
    assert "Kurs" not in dict(page.context["form"].fields["kind"].choices).values()
    assert "<strong>Kurs</strong>" in page.content.decode()


def test_the_rules_page_lists_the_types_in_a_fixed_number_of_queries(world, client_for):
    client = client_for(world.admin)
    AbsenceTypeFactory(company=world.company, name="Kurs")
    baseline = len_queries(client, RULES)
    for n in range(5):
        own = AbsenceTypeFactory(company=world.company, name=f"Type {n}")
        AbsenceFactory(
            user=world.employee, kind=AbsenceKind.PAID_LEAVE, custom_type=own,
            start=datetime.date(2027, 3, 1 + n),
        )  # fmt: skip
    assert len_queries(client, RULES) == baseline
    # Those in use cannot be deleted; the unused "Kurs" can.
    listed = client.get(RULES).content.decode().split('id="absence-types"')[1]
    assert listed.count("/delete/") == 1


def test_the_own_absence_list_reads_the_types_in_one_query(world, client_for):
    client = client_for(world.employee)
    own = AbsenceTypeFactory(company=world.company, name="Kurs")
    AbsenceFactory(user=world.employee, kind=AbsenceKind.PAID_LEAVE, custom_type=own)
    client.get(ABSENCES)
    baseline = len_queries(client, ABSENCES)
    for n in range(4):
        more = AbsenceTypeFactory(company=world.company, name=f"Type {n}")
        AbsenceFactory(
            user=world.employee, kind=AbsenceKind.PAID_LEAVE, custom_type=more,
            start=datetime.date(2027, 4, 1 + n),
        )  # fmt: skip
    assert len_queries(client, ABSENCES) == baseline


def len_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("role", ["moderator", "employee"])
def test_only_an_administrator_manages_the_types(world, client_for, role):
    course = AbsenceTypeFactory(company=world.company, name="Kurs")
    client = client_for(getattr(world, role))
    urls = [
        reverse("worktime:absence_type_create"),
        reverse("worktime:absence_type_update", args=[course.pk]),
        reverse("worktime:absence_type_delete", args=[course.pk]),
    ]
    for url in urls:
        assert client.post(url, {"name": "Endret", "active": "on"}).status_code == 403
    other = client_for(world.other_admin)
    for url in urls[1:]:
        assert other.post(url, {"name": "Endret", "active": "on"}).status_code == 404
    course.refresh_from_db()
    assert course.name == "Kurs"


def test_the_absence_form_without_a_firm_offers_the_built_in_types_only():
    form = AbsenceForm({"kind": "type-1", "start": "02.03.2027", "end": "02.03.2027"})
    assert not form.is_valid() and list(form.errors) == ["kind"]
    assert [v for v, _ in form.fields["kind"].choices][1:] == list(AbsenceKind.values)
