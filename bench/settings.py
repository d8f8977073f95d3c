"""The benchmark's settings (make bench): production settings plus a query counter on
every response and the floor view. Only bench/run.py names this module; no deployment
setting turns either on."""

from svenn.settings import *  # noqa: F403
from svenn.settings import MIDDLEWARE

MIDDLEWARE = ["bench.views.QueryCountMiddleware", *MIDDLEWARE]
ROOT_URLCONF = "bench.urls"
