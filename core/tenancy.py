"""The one tenancy mechanism: every firm-owned model inherits ``CompanyOwned``.

Its default manager is a django-scopes ``ScopedManager``: inside a request the
CompanyScopeMiddleware activates ``scope(company=<user's firm>)`` and every query
is filtered to that firm; outside a scope (a forgotten context) a query raises
``ScopeError`` instead of returning another firm's rows. Management commands and
tests that need every firm use ``django_scopes.scopes_disabled()``.
"""

from django.db import models
from django.db.models.functions import Cast
from django_scopes import ScopedManager, scope


def firm_scope(company):
    """``scope(company=...)`` for the firm ``company`` (a Company or its id): every query
    of a firm-owned model inside it is filtered to that firm.

    The firm's id is compared as the column's own type, ``bigint``: a plain ``= 1`` is
    an ``integer``, for which btree_gin's ``int8_ops`` has no operator, so the firm
    column of a GIN index (the customer search's ``customer_search_trgm``) could not
    narrow a search to the firm, and PostgreSQL checked every firm's matches instead
    (17,701 for "nord" at ten times the data, where the firm has 1,135). A btree index
    serves either form alike."""
    pk = company.pk if isinstance(company, models.Model) else company
    return scope(company=Cast(models.Value(pk), models.BigIntegerField()))


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
