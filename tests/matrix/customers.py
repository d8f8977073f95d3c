from . import Route, managers

ROUTES = [
    Route("customers:list", managers()),
]
