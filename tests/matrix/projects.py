from . import Route, everyone

ROUTES = [
    Route("projects:list", everyone()),
]
