"""Accounts' jobs on the work queue (core/queue.py): the daily clean-ups that operators
used to run from cron. Both are idempotent, so a retry or a second run changes nothing."""

from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from accounts import security_log
from core.queue import RETRY, app


@app.periodic(cron="17 3 * * *", periodic_id="prune_security_log")
@app.task(name="accounts.prune_security_log", retry=RETRY)
def prune_security_log(timestamp):
    """Delete security log events older than SECURITY_LOG_RETENTION_DAYS, in every firm
    (``manage.py prune_security_log`` does the same by hand)."""
    days = settings.SECURITY_LOG_RETENTION_DAYS
    return security_log.prune(before=timezone.now() - timedelta(days=days))


@app.periodic(cron="27 3 * * *", periodic_id="clear_sessions")
@app.task(name="accounts.clear_sessions", retry=RETRY)
def clear_sessions(timestamp):
    """Delete expired sessions: they are never read again but stay in the table until then."""
    call_command("clearsessions")
