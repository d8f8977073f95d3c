from django.conf import settings
from django.db import migrations, models

# A line's day is its entry's date, or (a line on a project) its own date: set by the
# database on every write of a line, as its customer is (invoicing.0006), and carried
# along when an entry moves to another day. An invoiced line is locked (its own
# triggers) and keeps the day it was billed for.
TRIGGERS = """
CREATE OR REPLACE FUNCTION invoicing_jobline_customer() RETURNS trigger AS $$
BEGIN
    IF NEW.entry_id IS NOT NULL THEN
        SELECT customer_id, date INTO NEW.customer_id, NEW.day
          FROM timesheets_timeentry WHERE id = NEW.entry_id;
    ELSE
        SELECT customer_id INTO NEW.customer_id
          FROM projects_project WHERE id = NEW.project_id;
        NEW.day := NEW.date;
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

DROP TRIGGER jobline_customer ON invoicing_jobline;
CREATE TRIGGER jobline_customer
    BEFORE INSERT OR UPDATE OF entry_id, project_id, customer_id, date, day ON invoicing_jobline
    FOR EACH ROW EXECUTE FUNCTION invoicing_jobline_customer();

CREATE OR REPLACE FUNCTION invoicing_lines_follow_entry() RETURNS trigger AS $$
BEGIN
    UPDATE invoicing_jobline SET customer_id = NEW.customer_id, day = NEW.date
     WHERE entry_id = NEW.id AND invoiced_at IS NULL;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

DROP TRIGGER jobline_customer_of_entry ON timesheets_timeentry;
CREATE TRIGGER jobline_customer_of_entry
    AFTER UPDATE OF customer_id, date ON timesheets_timeentry
    FOR EACH ROW WHEN (
        OLD.customer_id IS DISTINCT FROM NEW.customer_id OR OLD.date IS DISTINCT FROM NEW.date
    )
    EXECUTE FUNCTION invoicing_lines_follow_entry();
"""

# invoicing.0006's functions and triggers again.
UNDO = """
CREATE OR REPLACE FUNCTION invoicing_jobline_customer() RETURNS trigger AS $$
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

DROP TRIGGER jobline_customer ON invoicing_jobline;
CREATE TRIGGER jobline_customer
    BEFORE INSERT OR UPDATE OF entry_id, project_id, customer_id ON invoicing_jobline
    FOR EACH ROW EXECUTE FUNCTION invoicing_jobline_customer();

CREATE OR REPLACE FUNCTION invoicing_lines_follow_entry() RETURNS trigger AS $$
BEGIN
    UPDATE invoicing_jobline SET customer_id = NEW.customer_id
     WHERE entry_id = NEW.id AND invoiced_at IS NULL;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

DROP TRIGGER jobline_customer_of_entry ON timesheets_timeentry;
CREATE TRIGGER jobline_customer_of_entry
    AFTER UPDATE OF customer_id ON timesheets_timeentry
    FOR EACH ROW WHEN (OLD.customer_id IS DISTINCT FROM NEW.customer_id)
    EXECUTE FUNCTION invoicing_lines_follow_entry();
"""

# The lines there are, invoiced or not, as the trigger would have set them, in the same
# transaction as the trigger: no write falls between. The invoiced ones' lock is a
# trigger too, so it is held off for this one statement.
FILL = """
ALTER TABLE invoicing_jobline DISABLE TRIGGER USER;
UPDATE invoicing_jobline AS line SET day = COALESCE(
    line.date, (SELECT date FROM timesheets_timeentry WHERE id = line.entry_id)
);
ALTER TABLE invoicing_jobline ENABLE TRIGGER USER;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("invoicing", "0006_job_line_customer"),
        ("timesheets", "0019_kept_hours"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="jobline",
            name="day",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="day"),
        ),
        migrations.RunSQL(TRIGGERS, UNDO),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.RemoveIndex(model_name="jobline", name="jobline_customer"),
        migrations.AddIndex(
            model_name="jobline",
            index=models.Index(fields=["company", "customer", "day"], name="jobline_customer_day"),
        ),
    ]
