import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from core.same_firm import SameFirmForeignKey

# A line's customer is its entry's, or (a line on a project) its project's: set by the
# database on every write of a line, and carried along when an entry or a project
# changes customer. An invoiced line is locked (its own triggers) and keeps the customer
# it was billed to; reopened, its next write sets it anew.
TRIGGERS = """
CREATE FUNCTION invoicing_jobline_customer() RETURNS trigger AS $$
BEGIN
    IF NEW.entry_id IS NOT NULL THEN
        SELECT customer_id INTO NEW.customer_id
          FROM timesheets_timeentry WHERE id = NEW.entry_id;
    ELSE
        SELECT customer_id INTO NEW.customer_id
          FROM projects_project WHERE id = NEW.project_id;
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER jobline_customer
    BEFORE INSERT OR UPDATE OF entry_id, project_id, customer_id ON invoicing_jobline
    FOR EACH ROW EXECUTE FUNCTION invoicing_jobline_customer();

CREATE FUNCTION invoicing_lines_follow_entry() RETURNS trigger AS $$
BEGIN
    UPDATE invoicing_jobline SET customer_id = NEW.customer_id
     WHERE entry_id = NEW.id AND invoiced_at IS NULL;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER jobline_customer_of_entry
    AFTER UPDATE OF customer_id ON timesheets_timeentry
    FOR EACH ROW WHEN (OLD.customer_id IS DISTINCT FROM NEW.customer_id)
    EXECUTE FUNCTION invoicing_lines_follow_entry();

CREATE FUNCTION invoicing_lines_follow_project() RETURNS trigger AS $$
BEGIN
    UPDATE invoicing_jobline SET customer_id = NEW.customer_id
     WHERE project_id = NEW.id AND entry_id IS NULL AND invoiced_at IS NULL;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER jobline_customer_of_project
    AFTER UPDATE OF customer_id ON projects_project
    FOR EACH ROW WHEN (OLD.customer_id IS DISTINCT FROM NEW.customer_id)
    EXECUTE FUNCTION invoicing_lines_follow_project();
"""

UNDO = """
DROP TRIGGER jobline_customer_of_project ON projects_project;
DROP FUNCTION invoicing_lines_follow_project();
DROP TRIGGER jobline_customer_of_entry ON timesheets_timeentry;
DROP FUNCTION invoicing_lines_follow_entry();
DROP TRIGGER jobline_customer ON invoicing_jobline;
DROP FUNCTION invoicing_jobline_customer();
"""

# The lines there are, invoiced or not: as the trigger would have set them. The
# invoiced ones' lock is a trigger too, so it is held off for this one statement.
FILL = """
ALTER TABLE invoicing_jobline DISABLE TRIGGER USER;
UPDATE invoicing_jobline AS line SET customer_id = COALESCE(
    (SELECT customer_id FROM timesheets_timeentry WHERE id = line.entry_id),
    (SELECT customer_id FROM projects_project WHERE id = line.project_id)
);
ALTER TABLE invoicing_jobline ENABLE TRIGGER USER;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0016_company_history_has_timer_rounding_and_rate_per_km"),
        ("customers", "0013_prices"),
        ("invoicing", "0005_job_line_history"),
        ("projects", "0009_prices"),
        ("timesheets", "0015_entry_customer_period"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="jobline",
            name="customer",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="customers.customer",
                verbose_name="customer",
            ),
        ),
        migrations.AddIndex(
            model_name="jobline",
            index=models.Index(fields=["company", "customer"], name="jobline_customer"),
        ),
        SameFirmForeignKey("jobline", "customer"),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.RunSQL(TRIGGERS, UNDO),
    ]
