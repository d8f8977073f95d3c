"""Reads of customers, always within the request user's firm (scoped manager)."""

import re
from datetime import timedelta

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import history
from core.money import format_money
from core.validators import format_org_number, format_phone

from .models import (
    ContactPerson,
    ContactPersonEvent,
    Customer,
    CustomerEvent,
    CustomerImport,
    CustomerKind,
    search_key,
)

ACTIVE, INACTIVE = "active", "inactive"
SORTS = {
    "name": ["name", "number"],
    "-name": ["-name", "-number"],
    "number": ["number"],
    "-number": ["-number"],
}
DEFAULT_SORT = "name"


def search_customers(queryset, q):
    """The one customer search: every word of ``q`` must occur somewhere in the
    customer's name, number, org nr, e-mail, phone or contact names, ignoring case
    and accents. ``LIKE '%word%'`` on search_text is served by the trigram index."""
    key = search_key(q or "")
    # "912 34 567" and "923 609 016" are one number each, as typed from a paper.
    key = re.sub(r"(?<=[\d+])\s+(?=\d)", "", key)
    for word in key.split():
        queryset = queryset.filter(search_text__contains=word)
    return queryset


def customer_list(*, status=ACTIVE, q="", sort=DEFAULT_SORT):
    """The customers of one tab that match ``q``, in list order, without row details:
    what the paginator counts and slices (see ``customer_page_rows``)."""
    customers = Customer.objects.inactive() if status == INACTIVE else Customer.objects.active()
    return search_customers(customers, q).order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))


# What a row of the list shows of a customer (customers/rows.py), and nothing more.
ROW_FIELDS = ("name", "number", "kind", "phone", "email")


def customer_page_rows(page_rows, sort=DEFAULT_SORT):
    """One page of ``customer_list`` with each row's first contact person and count,
    and of each customer only what its row shows (ROW_FIELDS).

    The page is cut first (its ids in a subquery) and the contact subqueries then run
    for its 50 rows only, so page 200 costs what page 1 costs; still one query.
    """
    contacts = ContactPerson.objects.filter(customer=OuterRef("pk"))
    customers = Customer.objects.filter(pk__in=page_rows.values("pk")).only(*ROW_FIELDS)
    customers = customers.annotate(
        contact_name=Subquery(contacts.order_by("id").values("name")[:1]),
        contact_count=Coalesce(
            Subquery(contacts.order_by().values("customer").annotate(n=Count("pk")).values("n")),
            0,
        ),
    )
    return customers.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))


def customer_tab_counts(q=""):
    """{"active": n, "inactive": m}: the counts on the tabs, of the customers that
    match ``q`` when searching, in one query."""
    return search_customers(Customer.objects.alive(), q).aggregate(
        active=Count("pk", filter=Q(is_active=True)),
        inactive=Count("pk", filter=Q(is_active=False)),
    )


def customer_position(customer):
    """How many customers come before ``customer`` in its tab in the default order
    (name, then number): tells which page of the list shows it."""
    customers = Customer.objects.inactive() if not customer.is_active else Customer.objects.active()
    before = Q(name__lt=customer.name) | Q(name=customer.name, number__lt=customer.number)
    return customers.filter(before).count()


# Company forms a name may end with: "Bakeriet På Hjørnet AS" is "bakeriet pa hjornet".
COMPANY_FORMS = {"as", "asa", "ans", "da", "enk", "sa"}
SIMILAR_LIMIT = 5


def name_key(name):
    """A customer name as duplicates compare it: without case, accents, punctuation,
    extra spaces and a trailing company form (AS, ASA, ANS, DA, ENK, SA)."""
    text = search_key(name).replace("a/s", "as")
    words = re.sub(r"[\W_]+", " ", text).split()
    while len(words) > 1 and words[-1] in COMPANY_FORMS:
        words.pop()
    return " ".join(words)


def similar_customers(*, company, name, exclude_pk=None):
    """The firm's customers (active or inactive) whose name has the same ``name_key``
    as ``name``: the "Finnes kunden allerede?" hint. Every word must occur in the
    search text (the trigram index), so only a handful of rows are compared."""
    key = name_key(name)
    if not key:
        return []
    candidates = Customer.objects.alive().filter(company=company).exclude(pk=exclude_pk)
    for word in key.split():
        candidates = candidates.filter(search_text__contains=word)
    found = [c for c in candidates.order_by("name", "number")[:50] if name_key(c.name) == key]
    return found[:SIMILAR_LIMIT]


def org_number_owner(*, company, org_number, exclude_pk=None):
    """The firm's customer with ``org_number`` (9 digits), inactive or deleted too, but
    not ``exclude_pk`` (the customer being edited); None if there is none."""
    if not org_number:
        return None
    owners = Customer.objects.filter(company=company, org_number=org_number)
    return owners.exclude(pk=exclude_pk).order_by("deleted_at", "number").first()


def registry_changes(customer, unit):
    """What filling ``customer``'s card from the registry's ``unit`` would change:
    {field: registry value} and a row (label, current, registry) for each."""
    changed, rows = {}, []
    for field, value in unit.card_values().items():
        if value != getattr(customer, field):
            changed[field] = value
            current = _display(field, getattr(customer, field))
            rows.append((FIELD_LABELS[field], current, _display(field, value)))
    return changed, rows


def get_customer_for_user(request, pk, *, include_deleted=False):
    """A not-deleted customer of the user's firm (the request's scope); anything else
    is a 404. ``include_deleted`` finds a deleted one too (a repeated delete)."""
    customers = Customer.objects.all() if include_deleted else Customer.objects.alive()
    return get_object_or_404(customers.select_related("created_by", "updated_by"), pk=pk)


# How long an uploaded file waits for its import (customers.tasks deletes it then).
IMPORT_KEPT = timedelta(days=1)


def get_import_for_user(request, pk):
    """A file the user uploaded for "Importer kunder" within the last day; another
    user's, another firm's or an older one is a 404."""
    uploads = CustomerImport.objects.filter(
        created_by=request.user, created_at__gte=timezone.now() - IMPORT_KEPT
    )
    return get_object_or_404(uploads, pk=pk)


def _display(field, value):
    if value in ("", None):
        return history.EMPTY
    if field == "org_number":
        return format_org_number(value)
    if field == "phone":
        return format_phone(value)
    if field == "kind":
        return CustomerKind(value).label if value in CustomerKind.values else value
    if field == "hourly_rate":
        return format_money(value)
    return str(value)


FIELD_LABELS = {
    "name": _("Name"),
    "number": _("Customer number"),
    "kind": _("Type"),
    "org_number": _("Organisation number"),
    "email": _("E-mail"),
    "phone": _("Phone"),
    "address": _("Address"),
    "postal_code": _("Postal code"),
    "postal_place": _("Postal place"),
    "invoice_address": _("Invoice address / invoice e-mail"),
    "note": _("Note"),
    "hourly_rate": _("Hourly price"),
    # Only in history migrated from before the triggers: the contact persons' names.
    "contacts": _("Contact persons"),
}
# What the card's history tells apart from a plain change.
STATE_FIELDS = ["is_active", "deleted_at"]
CONTACT_FIELDS = ["name", "title", "phone", "email"]


def _describe_customer(step):
    # An import names its file in the write's context (customers.imports).
    imported = step.context.get("import")
    if imported and step.label in (history.INSERT, "update"):
        action = _("imported from %(file)s") % {"file": imported}
        return history.Change(action, history.diffs(step, FIELD_LABELS, _display))
    if step.label == history.INSERT:
        return history.Change(_("created"))
    if step.label == history.DELETE:
        return history.Change(_("deleted"))
    if step.changed("deleted_at"):
        return history.Change(_("deleted") if step.after["deleted_at"] else _("restored"))
    if step.changed("is_active"):
        return history.Change(_("set active") if step.after["is_active"] else _("set inactive"))
    fields = history.diffs(step, FIELD_LABELS, _display)
    return history.Change(_("changed"), fields) if fields else None


def _contact_label(values):
    if values.get("title"):
        return f"{values['name']} ({values['title']})"
    return values["name"]


def _describe_contact(step):
    """A contact person added, removed or changed, as rows of the customer's entry."""
    label = _("Contact person")
    if step.after is None:
        return [(label, _contact_label(step.before), history.EMPTY)]
    if step.before is None:
        return [(label, history.EMPTY, _contact_label(step.after))]
    labels = {
        name: _("%(contact)s, %(field)s")
        % {
            "contact": f"{label} {step.before['name']}",
            "field": ContactPerson._meta.get_field(name).verbose_name,
        }
        for name in CONTACT_FIELDS
    }
    return history.diffs(step, labels, _display)


def customer_history(customer):
    """The card's history, newest first: who, when, what, and each changed field and
    contact person as (label, old, new) in the reader's language."""
    names = [*FIELD_LABELS.keys() - {"contacts"}, *STATE_FIELDS]
    events = CustomerEvent.objects.filter(pgh_obj_id=customer.pk)
    contacts = ContactPersonEvent.objects.filter(customer_id=customer.pk).order_by("pgh_id")
    return history.entries(
        history.steps(events, names),
        _describe_customer,
        children=history.steps_by_object(contacts, CONTACT_FIELDS),
        describe_child=_describe_contact,
        child_action=_("changed"),
    )
