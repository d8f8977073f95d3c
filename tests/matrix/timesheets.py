from . import OK, Route, admins, everyone, managers

# world.entry: the employee's own entry, not approved. Writes that would destroy it
# for the actors after the first are listed by their non-destructive GET (the
# confirmation page); tests/test_timesheets_views.py posts them.
ENTRY = {"admin": OK, "moderator": 403, "employee": OK, "other_admin": 404}


def entry(world):
    return [world.entry.pk]


ROUTES = [
    Route("timesheets:week", everyone()),
    Route("timesheets:entry_create", everyone()),
    Route("timesheets:entry_create", everyone(), method="post"),
    Route("timesheets:entry_update", ENTRY, args=entry),
    Route("timesheets:entry_update", ENTRY, args=entry, method="post"),
    Route("timesheets:entry_delete", ENTRY, args=entry),
    Route("timesheets:reopen", admins(other=404), args=entry, method="post"),
    Route("timesheets:customer_options", everyone(), query="?q=kari"),
    Route("timesheets:project_options", everyone(), query="?q=bad"),
    Route("timesheets:customer_field", everyone()),
    Route("timesheets:overview", managers()),
    Route("timesheets:approve", managers(), method="post"),
    Route("timesheets:export_csv", managers()),
    Route("timesheets:export_xlsx", managers()),
]
