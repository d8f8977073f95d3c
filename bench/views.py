"""Pieces that exist only under the benchmark's own settings (bench.settings).

- QueryCountMiddleware: answers every response with an ``X-Queries`` header, so the
  benchmark can report SQL queries per request with DEBUG off.
- floor: the floor every page is compared with: one raw SQL query for 50 customers
  rendered by a minimal template, behind the same middleware as every page.
"""

from django.db import connection
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts import permissions as perms


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
            if response.streaming:
                # Streaming bodies run their queries after the headers are sent.
                return response
        response.headers["X-Queries"] = str(count)
        return response


@require_GET
@perms.role_required(perms.CUSTOMERS_VIEW)
def floor(request):
    """The customer list's rows with nothing between the database and the template
    (same role check as the list, so the floor pays for it too)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, number, name, email, phone FROM customers_customer "
            "WHERE company_id = %s AND deleted_at IS NULL AND is_active "
            "ORDER BY name LIMIT 50",
            [request.user.company_id],
        )
        rows = cursor.fetchall()
    return render(request, "bench/floor.html", {"rows": rows})
