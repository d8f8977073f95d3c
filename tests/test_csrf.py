"""Every URL refuses a POST without a CSRF token.

It walks the role x URL matrix, which test_matrix.py keeps complete, so a new URL is
covered as soon as it is listed there.
"""

import pytest
from django.test import Client
from django.urls import reverse

from .test_matrix import ROUTES


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_post_without_csrf_token_is_refused(route, world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.admin)
    url = reverse(route.name, args=route.url_args(world)) + route.query
    data = route.data(world) if route.data else {}

    response = client.post(url, data)

    assert response.status_code == 403, f"{route.name} accepted a POST without a CSRF token"
