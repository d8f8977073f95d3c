import datetime
from decimal import Decimal

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import Company, User
from accounts.permissions import Role
from core.models import Job
from customers.models import ContactPerson, Customer, CustomerKind
from invoicing.models import JobLine, Kind, Unit
from projects.models import Project, ProjectMember
from timesheets.models import TimeEntry
from worktime.models import (
    Absence,
    AbsenceKind,
    AbsenceType,
    HolidayAllowance,
    TimebankStart,
    WorkSchedule,
)

PASSWORD = "svenn-test-pw"
# Hashing with Argon2 is slow on purpose; hash once for every test user.
_HASH = make_password(PASSWORD)


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Firma {n} AS")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.no")
    name = factory.Sequence(lambda n: f"Bruker {n}")
    company = factory.SubFactory(CompanyFactory)
    role = Role.EMPLOYEE
    password = _HASH


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    company = factory.SubFactory(CompanyFactory)
    number = factory.Sequence(lambda n: 10000 + n)
    name = factory.Sequence(lambda n: f"Kunde {n}")
    kind = CustomerKind.COMPANY
    search_text = factory.LazyAttribute(lambda c: f"{c.name.lower()} {c.number}")


class ContactPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPerson

    customer = factory.SubFactory(CustomerFactory)
    company = factory.SelfAttribute("customer.company")
    name = factory.Sequence(lambda n: f"Kontakt {n}")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    company = factory.SubFactory(CompanyFactory)
    number = factory.Sequence(lambda n: 1000 + n)
    name = factory.Sequence(lambda n: f"Prosjekt {n}")


class ProjectMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectMember

    project = factory.SubFactory(ProjectFactory)
    company = factory.SelfAttribute("project.company")
    user = factory.SubFactory(UserFactory, company=factory.SelfAttribute("..company"))


class TimeEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeEntry

    user = factory.SubFactory(UserFactory)
    company = factory.SelfAttribute("user.company")
    date = factory.LazyFunction(datetime.date.today)
    hours = Decimal("7.50")


class JobLineFactory(factory.django.DjangoModelFactory):
    """Materials on an entry (give ``entry``), 2,5 m without a price."""

    class Meta:
        model = JobLine

    entry = factory.SubFactory(TimeEntryFactory)
    user = factory.SelfAttribute("entry.user")
    company = factory.SelfAttribute("user.company")
    kind = Kind.MATERIAL
    description = "Kobberrør 15 mm"
    quantity = Decimal("2.5")
    unit = Unit.METRE


class WorkScheduleFactory(factory.django.DjangoModelFactory):
    """7,5 hours Monday to Friday from 1 January 2026 (written past the rule that a
    schedule starts this week or later, which is the form's and the service's)."""

    class Meta:
        model = WorkSchedule

    user = factory.SubFactory(UserFactory)
    company = factory.SelfAttribute("user.company")
    valid_from = datetime.date(2026, 1, 1)
    created_by = factory.SelfAttribute("user")


class TimebankStartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimebankStart

    user = factory.SubFactory(UserFactory)
    company = factory.SelfAttribute("user.company")
    date = datetime.date(2026, 1, 1)
    balance = Decimal("0")


class AbsenceFactory(factory.django.DjangoModelFactory):
    """A day of holiday asked for, not decided yet."""

    class Meta:
        model = Absence

    user = factory.SubFactory(UserFactory)
    company = factory.SelfAttribute("user.company")
    kind = AbsenceKind.HOLIDAY
    start = datetime.date(2027, 3, 1)
    end = factory.SelfAttribute("start")


class AbsenceTypeFactory(factory.django.DjangoModelFactory):
    """One of a firm's own absence types, paid and active."""

    class Meta:
        model = AbsenceType

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Velferdspermisjon {n}")
    paid = True


class HolidayAllowanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HolidayAllowance

    user = factory.SubFactory(UserFactory)
    company = factory.SelfAttribute("user.company")
    year = 2026


class JobFactory(factory.django.DjangoModelFactory):
    """A finished job with a file, kept for another day."""

    class Meta:
        model = Job

    user = factory.SubFactory(UserFactory)
    company = factory.LazyAttribute(lambda job: job.user.company)
    kind = "tests.letters"
    status = Job.Status.DONE
    done = total = 3
    result_name = "bokstaver.txt"
    result_type = "text/plain; charset=utf-8"
    result = b"ABC"
    finished = factory.LazyFunction(lambda: timezone.now())
    expires = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))
