from django.utils import timezone

from timesheets.models import Timer

from ..test_timesheets_views import edit_data
from . import OK, Route, admins, everyone, managers

# world.entry: the employee's own entry, not approved.
ENTRY = {"admin": OK, "moderator": 403, "employee": OK, "other_admin": 404}


def entry(world):
    return [world.entry.pk]


ROUTES = [
    Route("timesheets:week", everyone()),
    Route("timesheets:entry_create", everyone()),
    Route("timesheets:entry_create", everyone(), method="post", ok=422),
    # Our project is no pick for another firm's Administrator: a field error.
    Route(
        "timesheets:entry_create",
        everyone(other=422),
        method="post",
        data=lambda w: {"date": "2026-03-05", "hours": "7,5", "project": w.project.pk},
        ok=302,
    ),
    # Copies the user's own entries of yesterday (none in the matrix's world).
    Route("timesheets:entry_copy", everyone(), method="post", ok=302),
    Route("timesheets:entry_update", ENTRY, args=entry),
    Route("timesheets:entry_update", ENTRY, args=entry, method="post", ok=422),
    Route(
        "timesheets:entry_update",
        ENTRY,
        args=entry,
        method="post",
        data=lambda w: edit_data(w.entry, hours="6,5"),
        ok=302,
    ),
    Route("timesheets:entry_delete", ENTRY, args=entry),
    Route("timesheets:entry_delete", ENTRY, args=entry, method="post", ok=302),
    Route("timesheets:reopen", admins(other=404), args=entry, method="post", ok=302),
    Route("timesheets:customer_options", everyone(), query="?q=kari"),
    Route("timesheets:project_options", everyone(), query="?q=bad"),
    Route("timesheets:customer_field", everyone()),
    Route("timesheets:overview", managers()),
    Route("timesheets:approve", managers(), method="post", ok=302),
    Route("timesheets:export_csv", managers()),
    Route("timesheets:export_xlsx", managers()),
    # More than a month: the export job's page.
    Route("timesheets:export_xlsx", managers(), query="?date_from=2026-01-01", ok=302),
]


def own_timer(world):
    """The employee's running timer, on the world's project."""
    timer, _ = Timer.objects.get_or_create(
        company=world.company,
        user=world.employee,
        defaults={"project": world.project, "started_at": timezone.now()},
    )
    return [timer.key]


# Only its user sees or stops a timer: anyone else, in the firm or not, gets a 404.
OWN_TIMER = {"admin": 404, "moderator": 404, "employee": OK, "other_admin": 404}

ROUTES += [
    # Neither project nor customer: refused, with why, on "Mine timer".
    Route("timesheets:timer_start", everyone(), method="post", ok=422),
    # Our project is no pick for another firm's Administrator.
    Route(
        "timesheets:timer_start",
        everyone(other=422),
        method="post",
        data=lambda w: {"project": w.project.pk},
        ok=302,
    ),
    Route("timesheets:timer_stop", OWN_TIMER, args=own_timer, method="post", ok=302),
    Route("timesheets:timer_discard", OWN_TIMER, args=own_timer, method="post", ok=302),
]
