from . import Route, managers

ROUTES = [
    Route("customers:list", managers()),
    Route("customers:list", managers(), query="?status=inactive&q=kari&sort=-number&page=2"),
    Route("customers:create", managers()),
    Route("customers:create", managers(), method="post"),
    Route("customers:detail", managers(other=404), args=lambda w: [w.customer.pk]),
    Route("customers:detail", managers(other=404), args=lambda w: [w.customer.pk], method="post"),
    Route(
        "customers:status",
        managers(other=404),
        args=lambda w: [w.customer.pk],
        method="post",
        data=lambda w: {"active": "1"},
    ),
    Route("customers:delete", managers(other=404), args=lambda w: [w.customer.pk]),
    Route("customers:delete", managers(other=404), args=lambda w: [w.customer.pk], method="post"),
]
