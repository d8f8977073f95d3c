"""The rows of the customer list ("Kunder"), written by Python as the rows of
"Timeoversikt" are (timesheets/rows.py, which says why): 50 rows took 3.7 ms as a
template, more than the page's queries together. The markup is the one the template
wrote, tested with the list (tests/test_customers_views.py)."""

from django.utils.translation import gettext as _

from core.markup import Rows, escape
from core.validators import format_phone

from .models import CustomerKind


class CustomerRows(Rows):
    """``{{ rows }}``: the <tr> of each of ``customers`` (selectors.customer_page_rows),
    each name a link to its card under ``list_url``; the row of ``highlight`` (a
    customer's id) marked and given the focus."""

    def __init__(self, customers, *, list_url, highlight=None):
        super().__init__(customers)
        self.highlight = highlight
        self.list_url = escape(list_url)
        self.kinds = {kind: escape(label) for kind, label in CustomerKind.choices}
        self.labels = {
            "name": escape(_("Name")),
            "number": escape(_("Customer number")),
            "type": escape(_("Type")),
            "contact": escape(_("Contact person")),
            "reach": escape(_("Phone / e-mail")),
        }

    def row(self, customer):
        label, pk = self.labels, customer.pk
        marked, focus = ("", "")
        if pk == self.highlight:
            marked, focus = ' class="highlight"', " data-focus"
        contact, blank = "–", ' class="blank"'
        if customer.contact_name:
            contact, blank = escape(customer.contact_name), ""
        if customer.contact_count > 1:
            contact += f' <span class="muted">+{customer.contact_count - 1}</span>'
        return (
            f'<tr id="customer-{pk}"{marked}>'
            f'<td data-label="{label["name"]}" class="customer-name">'
            f'<a href="{self.list_url}{pk}/"{focus}>{escape(customer.name)}</a></td>'
            f'<td data-label="{label["number"]}" class="num">{customer.number}</td>'
            f'<td data-label="{label["type"]}" class="kind">{self.kinds[customer.kind]}</td>'
            f'<td data-label="{label["contact"]}"{blank}>{contact}</td>'
            f'<td data-label="{label["reach"]}">{self.reach(customer)}</td>'
            "</tr>\n"
        )

    @staticmethod
    def reach(customer):
        """The phone number and the e-mail address as links, or "–" without either."""
        phone, email = customer.phone, customer.email
        parts = []
        if phone:
            parts.append(f'<a href="tel:{escape(phone)}">{escape(format_phone(phone))}</a>')
        if email:
            parts.append(f'<a href="mailto:{escape(email)}">{escape(email)}</a>')
        return "<br>".join(parts) or "–"
