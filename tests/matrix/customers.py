from ..test_customers_views import card_post, new_customer_post
from . import Route, managers


def customer(world):
    return [world.customer.pk]


ROUTES = [
    Route("customers:list", managers()),
    Route("customers:list", managers(), query="?status=inactive&q=kari&sort=-number&page=2"),
    Route("customers:export_csv", managers()),
    Route("customers:export_xlsx", managers(), query="?status=inactive&q=kari&sort=-number"),
    Route("customers:create", managers()),
    Route("customers:create", managers(), method="post", ok=422),
    # Another firm's Administrator creates the customer in their own firm.
    Route(
        "customers:create", managers(), method="post", data=lambda w: new_customer_post(), ok=302
    ),
    # Asks Brønnøysund (unreachable in tests: the card's look-up says so and works on).
    Route("customers:lookup", managers(), query="?name=kari&org_number=915333141"),
    Route("customers:detail", managers(other=404), args=customer),
    Route("customers:detail", managers(other=404), args=customer, method="post", ok=422),
    Route(
        "customers:detail",
        managers(other=404),
        args=customer,
        method="post",
        data=lambda w: card_post(w.customer, phone="+47 912 34 567"),
        ok=302,
    ),
    Route(
        "customers:status",
        managers(other=404),
        args=customer,
        method="post",
        data=lambda w: {"active": "1"},
        ok=302,
    ),
    Route("customers:delete", managers(other=404), args=customer),
    Route("customers:delete", managers(other=404), args=customer, method="post", ok=302),
    Route("customers:refresh", managers(other=404), args=customer),
    Route(
        "customers:refresh",
        managers(other=404),
        args=customer,
        method="post",
        data=lambda w: {"version": str(w.customer.version)},
    ),
]
