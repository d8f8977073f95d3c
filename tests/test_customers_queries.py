"""The customer list costs the same number of queries at 50 and at 500 customers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import ContactPersonFactory, CustomerFactory


def fill(company, count):
    customers = CustomerFactory.create_batch(count, company=company)
    for customer in customers[::3]:
        ContactPersonFactory(customer=customer)
        ContactPersonFactory(customer=customer)


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["/customers/", "/customers/?q=kunde&sort=-number&page=2"])
def test_list_query_count_does_not_grow_with_the_number_of_customers(
    world, client_for, django_assert_max_num_queries, url
):
    client = client_for(world.admin)
    fill(world.company, 49)
    at_50 = queries_for(client, url)
    fill(world.company, 450)
    at_500 = queries_for(client, url)
    assert at_50 == at_500
    with django_assert_max_num_queries(8):
        client.get(url)


def test_substring_search_can_use_the_trigram_index(world):
    # A handful of rows never needs an index; forbid the sequential scan to see
    # that PostgreSQL can serve LIKE '%...%' from the GIN trigram index at all.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM customers_customer WHERE search_text LIKE %s",
            ["%nordm%"],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "customer_search_trgm" in plan


def test_a_search_in_a_request_names_the_firm_as_the_trigram_index_holds_it(world, client_for):
    """The firm's id reaches PostgreSQL as a bigint (core.tenancy.firm_scope): the type
    of the trigram index's firm column, so the index can narrow a search to the firm
    (make bench measures it at ten times the firms). As a plain integer it could not,
    and the index gave every firm's matches to be checked one by one."""
    fill(world.company, 20)
    with CaptureQueriesContext(connection) as captured:
        assert client_for(world.admin).get("/customers/?q=kunde").status_code == 200
    searches = [q["sql"] for q in captured if "LIKE" in q["sql"]]
    assert len(searches) == 2  # the tab counts (the page's count too) and the rows
    for sql in searches:
        assert f'"company_id" = ({world.company.pk})::bigint' in sql
