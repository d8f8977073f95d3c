"""The work queue: procrastinate on the project's own PostgreSQL (docs/operations.md, "Work queue").

Jobs are rows in procrastinate's tables of the same database, so deferring one inside a
transaction is part of that transaction, and there is no broker to run. Each app keeps its
tasks in its own ``tasks.py``, which procrastinate's Django app imports at start-up; they
register on this ``app`` (procrastinate's Django app, running on Django's connection).
"""

from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

__all__ = ["RETRY", "app"]

# A failed job is tried again up to five more times, 10 s, 20 s, 40 s, ... later, so a
# database restart or a deploy does not turn into a lost job. Tasks must therefore be
# idempotent: a retry may repeat work the failed attempt already committed.
RETRY = RetryStrategy(max_attempts=5, exponential_wait=10)
