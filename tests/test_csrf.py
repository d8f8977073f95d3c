"""Every write refuses a request without a CSRF token, and says that is why.

It walks the role x URL matrix, which test_matrix.py keeps complete by URL and method,
so a new write is covered as soon as it is listed there. A permission refusal is a 403
as well: each write is sent both ways, so only the CSRF page passes for the request
without a token, and with a token the answer is the one the matrix gives.
"""

import pytest

from .matrix import ACTORS, UNSAFE, client_as, mismatch, refused_as_csrf, send, undone
from .test_matrix import ROUTES

WRITES = [route for route in ROUTES if route.method in UNSAFE]


@pytest.mark.parametrize("route", WRITES, ids=lambda r: f"{r.method}-{r.name}{r.query}")
def test_a_write_without_token_gets_the_csrf_page_and_with_one_the_matrix_answer(route, world):
    wrong = []
    for actor in ACTORS:
        client = client_as(world.user(actor))
        with undone():
            refused = send(client, route, world, csrf_token=False)
        with undone():
            answered = send(client, route, world)

        if not refused_as_csrf(refused):
            wrong.append(f"{actor}: {refused.status_code} without a token, not the CSRF page")
        if refused_as_csrf(answered):
            wrong.append(f"{actor}: the CSRF page although the token was sent")
        wrong.append(mismatch(route, actor, answered))

    assert not any(wrong), f"{route.method.upper()} {route.name}:\n" + "\n".join(
        filter(None, wrong)
    )


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("nb", "Ingenting ble lagret. Gå tilbake, last inn siden på nytt og prøv igjen."),
        ("en", "Nothing was saved. Go back, reload the page and try again."),
    ],
)
def test_the_csrf_page_says_the_form_expired_in_the_users_language(language, message, world):
    world.moderator.language = language
    world.moderator.save(update_fields=["language"])
    approve = next(route for route in WRITES if route.name == "timesheets:approve")

    response = send(client_as(world.moderator), approve, world, csrf_token=False)

    assert refused_as_csrf(response)
    assert message in response.content.decode()
