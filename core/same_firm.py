"""Migration operations that make PostgreSQL keep references inside one firm.

A plain foreign key ``customer_id -> customers_customer(id)`` accepts any firm's
customer; the scoped managers and the services keep the firm, but a bulk update, the
shell, the admin or a bug would not be stopped. A composite foreign key
``(company_id, customer_id) -> customers_customer(company_id, id)`` can only find a
customer of the row's own firm, so PostgreSQL refuses the cross-firm row.

Two operations, used in each app's migrations:

- ``SameFirmTarget("customer")``: UNIQUE ``(company_id, id)`` on a firm table, which
  a composite foreign key needs to point at (the primary key alone does not do).
- ``SameFirmForeignKey("timeentry", "customer")``: the composite key for one
  ``ForeignKey`` field, from a firm table to a ``SameFirmTarget``.

``model_name`` is a model of the migration's app, as in ``migrations.AddField``; the
foreign key's target may be in another app, whose ``SameFirmTarget`` migration the
migration depends on. Both change the database only: the models keep their ordinary
``ForeignKey`` (whose single-column constraint stays as well), so the migration state
and ``makemigrations`` are untouched. Table and column names come from the migration
state, and both operations reverse by dropping what they added.

To key a table added later (a history table, say), add ``SameFirmTarget`` for a new
target and ``SameFirmForeignKey(model_name, field_name)`` for each of its foreign keys
to a migration of its app; ``tests/test_same_firm_keys.py`` lists the ones missing.
"""

from django.core.exceptions import FieldDoesNotExist
from django.db import router
from django.db.backends.utils import truncate_name
from django.db.migrations.operations.base import Operation

FIRM_FIELD = "company"


def firm_column(model):
    """The firm column of a firm table (``company_id``); an error for any other table."""
    try:
        return model._meta.get_field(FIRM_FIELD).column
    except FieldDoesNotExist as error:
        raise ValueError(f"{model._meta.label} is not a firm table") from error


class _SameFirmConstraint(Operation):
    """Adds one named constraint to the table of ``model_name``; drops it on reverse."""

    reduces_to_sql = True
    reversible = True

    def state_forwards(self, app_label, state):
        """The models do not change: the constraint lives in the database only."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = self._model(app_label, schema_editor, to_state)
        if model is not None:
            quote = schema_editor.quote_name
            schema_editor.execute(
                f"ALTER TABLE {quote(model._meta.db_table)} "
                f"ADD CONSTRAINT {quote(self._name(schema_editor, model))} "
                f"{self._definition(quote, model)}"
            )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = self._model(app_label, schema_editor, from_state)
        if model is not None:
            quote = schema_editor.quote_name
            schema_editor.execute(
                f"ALTER TABLE {quote(model._meta.db_table)} "
                f"DROP CONSTRAINT {quote(self._name(schema_editor, model))}"
            )

    def _model(self, app_label, schema_editor, state):
        model = state.apps.get_model(app_label, self.model_name)
        if router.allow_migrate_model(schema_editor.connection.alias, model):
            return model
        return None

    def _name(self, schema_editor, model):
        parts = [model._meta.db_table, *self._name_parts(model), "same_firm"]
        return truncate_name("_".join(parts), schema_editor.connection.ops.max_name_length())


class SameFirmTarget(_SameFirmConstraint):
    """UNIQUE (company_id, id) on the firm table of ``model_name``.

    Also on ``accounts_user``, whose company_id is NULL for platform staff: such rows
    are never equal to a firm row's company_id, so a composite key cannot reach them.
    """

    def __init__(self, model_name):
        self.model_name = model_name

    def describe(self):
        return f"Unique (company, id) on {self.model_name}, for same-firm foreign keys"

    def _name_parts(self, model):
        return []

    def _definition(self, quote, model):
        return f"UNIQUE ({quote(firm_column(model))}, {quote(model._meta.pk.column)})"


class SameFirmForeignKey(_SameFirmConstraint):
    """(company_id, <field>_id) REFERENCES <target>(company_id, id), NOT DEFERRABLE.

    Not deferrable on purpose: a cross-firm write fails at the statement that makes it,
    inside the service, the admin or the shell that tried, and within a test's
    transaction. (Django's own foreign keys are DEFERRABLE INITIALLY DEFERRED, so they
    are only checked at COMMIT, which a test never reaches.) Every write path creates
    the referenced row before the referencing one, so nothing needs the deferral.

    MATCH SIMPLE (PostgreSQL's default): a NULL in the field (an entry without a
    project) is not checked. NO ACTION on delete and update: Django performs
    on_delete itself, and changing the firm of a referenced row (moving a user with
    hours to another firm) is refused.
    """

    def __init__(self, model_name, name):
        self.model_name = model_name
        self.name = name

    def describe(self):
        return f"Same-firm foreign key for {self.model_name}.{self.name}"

    def _name_parts(self, model):
        return [model._meta.get_field(self.name).column]

    def _definition(self, quote, model):
        field = model._meta.get_field(self.name)
        target = field.related_model
        if field.target_field != target._meta.pk:
            raise ValueError(f"{model._meta.label}.{self.name} must point at a primary key")
        return (
            f"FOREIGN KEY ({quote(firm_column(model))}, {quote(field.column)}) "
            f"REFERENCES {quote(target._meta.db_table)} "
            f"({quote(firm_column(target))}, {quote(target._meta.pk.column)}) "
            "NOT DEFERRABLE"
        )
