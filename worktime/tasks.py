"""Working time's jobs on the work queue (core/queue.py): the reminders of "Lever uke"
(worktime/reminders.py).

procrastinate's cron is in UTC, and Oslo is one or two hours ahead of it with the
season, so both run every hour and act from their Oslo time on (Monday 10:00, 16:00).
That also catches up a due time no worker saw: the next run sends what is still due.
Each reminder is sent once however many workers run these, and a retry sends nothing
twice (worktime.reminders)."""

import datetime

from core.queue import RETRY, app

from . import reminders


def _at(timestamp):
    """The due time procrastinate passes (seconds since the epoch, UTC): the runs of
    one due time (a retry, another worker) all see the same moment."""
    return datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)


@app.periodic(cron="0 * * * *", periodic_id="remind_hand_in")
@app.task(name="worktime.remind_hand_in", retry=RETRY)
def remind_hand_in(timestamp):
    """From Monday 10:00 Oslo time: "Lever uke" to whoever has not handed in last week."""
    return reminders.send_hand_in_reminders(_at(timestamp))


@app.periodic(cron="0 * * * *", periodic_id="remind_empty_day")
@app.task(name="worktime.remind_empty_day", retry=RETRY)
def remind_empty_day(timestamp):
    """From 16:00 Oslo time, where the firm wants it: a working day without hours."""
    return reminders.send_empty_day_reminders(_at(timestamp))
