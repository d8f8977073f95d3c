"""The one tenancy mechanism: every firm-owned model inherits ``CompanyOwned``.

Its default manager is a django-scopes ``ScopedManager``: inside a request the
CompanyScopeMiddleware activates ``scope(company=<user's firm>)`` and every query
is filtered to that firm; outside a scope (a forgotten context) a query raises
``ScopeError`` instead of returning another firm's rows. Management commands and
tests that need every firm use ``django_scopes.scopes_disabled()``.
"""

from django.db import models
from django_scopes import ScopedManager


def scoped_manager(queryset_class=models.QuerySet, company="company"):
    """A manager scoped to the firm; ``company`` names the field that holds it."""
    return ScopedManager(
        _manager_class=models.Manager.from_queryset(queryset_class), company=company
    )


class CompanyOwned(models.Model):
    company = models.ForeignKey(
        "accounts.Company", on_delete=models.PROTECT, related_name="+", editable=False
    )

    objects = scoped_manager()

    class Meta:
        abstract = True
