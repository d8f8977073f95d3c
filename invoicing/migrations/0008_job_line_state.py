from django.db import migrations, models

# A line's billing state (timesheets.models: DONE 0, READY 1, WAITING 2) is its entry's
# billable and approval with its own "invoiced", or (a line on a project) its project's
# billable with its own approval; none while its entry is deleted. Set by the database
# on every write of a line, as its customer and day are (invoicing.0006, 0007), and
# carried along when an entry is approved, made (not) billable, deleted or restored, and
# when a project is made (not) billable. Emptying "invoiced" (a basis reopened) sets it
# anew. An invoiced line is locked (its own triggers) and stays DONE.
TRIGGERS = """
CREATE OR REPLACE FUNCTION invoicing_jobline_customer() RETURNS trigger AS $$
DECLARE
    billable boolean;
    approved boolean;
    deleted boolean;
BEGIN
    IF NEW.entry_id IS NOT NULL THEN
        SELECT e.customer_id, e.date, e.billable, e.approved_at IS NOT NULL,
               e.deleted_at IS NOT NULL
          INTO NEW.customer_id, NEW.day, billable, approved, deleted
          FROM timesheets_timeentry e WHERE e.id = NEW.entry_id;
    ELSE
        SELECT p.customer_id, p.billable INTO NEW.customer_id, billable
          FROM projects_project p WHERE p.id = NEW.project_id;
        NEW.day := NEW.date;
        approved := NEW.approved_at IS NOT NULL;
        deleted := false;
    END IF;
    NEW.state := CASE
        WHEN deleted THEN NULL
        WHEN billable AND NEW.invoiced_at IS NULL THEN CASE WHEN approved THEN 1 ELSE 2 END
        ELSE 0
    END;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

DROP TRIGGER jobline_customer ON invoicing_jobline;
CREATE TRIGGER jobline_customer
    BEFORE INSERT OR UPDATE OF entry_id, project_id, customer_id, date, day, approved_at,
        invoiced_at, state ON invoicing_jobline
    FOR EACH ROW EXECUTE FUNCTION invoicing_jobline_customer();

CREATE OR REPLACE FUNCTION invoicing_lines_follow_entry() RETURNS trigger AS $$
BEGIN
    -- The line's trigger reads the entry anew.
    UPDATE invoicing_jobline SET customer_id = NEW.customer_id
     WHERE entry_id = NEW.id AND invoiced_at IS NULL;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

DROP TRIGGER jobline_customer_of_entry ON timesheets_timeentry;
CREATE TRIGGER jobline_customer_of_entry
    AFTER UPDATE OF customer_id, date, billable, approved_at, deleted_at
    ON timesheets_timeentry
    FOR EACH ROW WHEN (
        OLD.customer_id IS DISTINCT FROM NEW.customer_id
        OR OLD.date IS DISTINCT FROM NEW.date
        OR OLD.billable IS DISTINCT FROM NEW.billable
        OR (OLD.approved_at IS NULL) <> (NEW.approved_at IS NULL)
        OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)
    )
    EXECUTE FUNCTION invoicing_lines_follow_entry();

-- invoicing_lines_follow_project (invoicing.0006) is unchanged: its update of the
-- lines' customer makes their own trigger read the project anew.
DROP TRIGGER jobline_customer_of_project ON projects_project;
CREATE TRIGGER jobline_customer_of_project
    AFTER UPDATE OF customer_id, billable ON projects_project
    FOR EACH ROW WHEN (
        OLD.customer_id IS DISTINCT FROM NEW.customer_id OR OLD.billable <> NEW.billable
    )
    EXECUTE FUNCTION invoicing_lines_follow_project();
"""

UNDO = """
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

DROP TRIGGER jobline_customer_of_project ON projects_project;
CREATE TRIGGER jobline_customer_of_project
    AFTER UPDATE OF customer_id ON projects_project
    FOR EACH ROW WHEN (OLD.customer_id IS DISTINCT FROM NEW.customer_id)
    EXECUTE FUNCTION invoicing_lines_follow_project();
"""

# The lines there are, as the trigger would have set them, in the same transaction as
# the trigger: no write falls between. An invoiced line is DONE, and keeps the customer
# and day it was billed for; its lock is a trigger too, so all of the lines' triggers
# are held off for its statement. Touching a line not invoiced sets it by its own
# trigger, enabled alone.
FILL = """
ALTER TABLE invoicing_jobline DISABLE TRIGGER USER;
UPDATE invoicing_jobline SET state = 0 WHERE invoiced_at IS NOT NULL;
ALTER TABLE invoicing_jobline ENABLE TRIGGER jobline_customer;
UPDATE invoicing_jobline SET state = NULL WHERE invoiced_at IS NULL;
ALTER TABLE invoicing_jobline ENABLE TRIGGER USER;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("invoicing", "0007_job_line_day"),
        ("projects", "0010_kept_hours"),
        ("timesheets", "0021_entry_user_latest_customer"),
    ]

    operations = [
        migrations.AddField(
            model_name="jobline",
            name="state",
            field=models.SmallIntegerField(
                blank=True, editable=False, null=True, verbose_name="billing state"
            ),
        ),
        migrations.RunSQL(TRIGGERS, UNDO),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
