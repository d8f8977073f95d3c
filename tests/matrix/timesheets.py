from . import Route, everyone

ROUTES = [
    Route("timesheets:week", everyone()),
]
