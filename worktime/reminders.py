"""The reminder e-mails of "Lever uke", sent by the work queue's hourly tasks
(worktime/tasks.py) to every firm that has them on (its rules, "Påminnelser"):

- from Monday 10:00 (Oslo) on, to whoever has not handed in last week; the hourly run
  keeps trying that week until Sunday, so a worker that was down at 10:00 sends it
  when it comes back;
- from 16:00 on a working day, to whoever has logged no hours and has no approved
  absence that day.

Exactly once per user and week (or day), however many workers run the task at the
same time: each reminder is a row (worktime.models.Reminder) unique per user, kind and
period, written before its e-mail is sent, and only the run that wrote it sends.

A send that fails (the mail server refuses it or cannot be reached) is logged, and its
row keeps the error and no ``sent_at``. It is not lost: the next hourly run that still
finds the reminder due takes the row back, one run only, since taking it back is a
single conditional UPDATE, and sends again, up to ATTEMPTS sends in all. It is not sent
twice either: a row is taken back only RETRY_AFTER after its last attempt began, by the
clock rather than the due time, so neither a retry of the same job minutes later nor a
late job of an earlier due time takes the row of a send still under way. What this
cannot tell is a mail server that accepted an e-mail and then failed to answer: that
one is sent again, the one case where a reminder may come twice.
"""

import datetime
import logging
from functools import partial
from smtplib import SMTPException
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import Company
from core.tenancy import firm_scope
from timesheets.selectors import Week

from . import selectors
from .models import EMPTY_DAY_FROM, HAND_IN_FROM, Reminder, ReminderKind

logger = logging.getLogger(__name__)

# Sends of one reminder at most, and how long a failed one waits before the next run
# takes it back (under an hour, so the next hourly run does).
ATTEMPTS = 3
RETRY_AFTER = datetime.timedelta(minutes=50)


def send_hand_in_reminders(now):
    """Remind of last week everyone of a firm with the reminder on who has not handed
    it in, from Monday HAND_IN_FROM (Oslo) on. The number of e-mails sent."""
    local = timezone.localtime(now)
    if local.weekday() == 0 and local.time() < HAND_IN_FROM:
        return 0
    week = Week.of(local.date()).previous
    if week is None:
        return 0
    due = partial(selectors.hand_in_reminders_due, week)
    return _remind_firms(
        "remind_hand_in", ReminderKind.HAND_IN, week.monday, due, _hand_in_mail(week)
    )


def send_empty_day_reminders(now):
    """From EMPTY_DAY_FROM (Oslo) on, remind everyone of a firm with the reminder on
    whose day so far has no hours and no approved absence. The number of e-mails sent."""
    local = timezone.localtime(now)
    if local.time() < EMPTY_DAY_FROM:
        return 0
    day = local.date()
    due = partial(selectors.empty_day_reminders_due, day)
    return _remind_firms("remind_empty_day", ReminderKind.EMPTY_DAY, day, due, _day_mail(day))


def _remind_firms(switch, kind, period, due, mail):
    """In each firm whose rules have ``switch`` on, remind the users ``due()`` finds,
    but those whose reminder is already sent, under way or given up (a few queries a
    firm for the hourly runs after the first)."""
    sent = 0
    for company in Company.objects.order_by("pk"):
        with firm_scope(company):
            if not getattr(selectors.firm_rules(), switch):
                continue
            settled = _settled(kind, period)
            for user in due():
                if user.pk not in settled:
                    sent += _remind(company, user, kind, period, mail)
    return sent


def _settled(kind, period):
    """The users whose reminder ``_claim`` would not give this run."""
    retry = Q(sent_at__isnull=True, attempts__lt=ATTEMPTS)
    retry &= Q(claimed_at__lte=timezone.now() - RETRY_AFTER)
    reminders = Reminder.objects.filter(kind=kind, period=period).exclude(retry)
    return set(reminders.values_list("user_id", flat=True))


def absolute_url(name, **query):
    """A link for an e-mail: the site's address (SITE_URL) and the page ``name``."""
    return f"{settings.SITE_URL}{reverse(name)}?{urlencode(query)}"


def _hand_in_mail(week):
    def mail():
        subject = _("Hand in week %(number)s") % {"number": week.number}
        link = absolute_url("worktime:week", week=str(week))
        return subject, "worktime/email/hand_in_reminder.txt", {"week": week, "link": link}

    return mail


def _day_mail(day):
    def mail():
        subject = _("No hours logged on %(day)s") % {"day": f"{day:%d.%m.%Y}"}
        link = absolute_url("timesheets:week", week=str(Week.of(day)))
        return subject, "worktime/email/empty_day_reminder.txt", {"day": day, "link": link}

    return mail


def _remind(company, user, kind, period, mail):
    """Send ``user`` the reminder if this run is the one to (``_claim``): 1 if sent."""
    reminder = _claim(company=company, user=user, kind=kind, period=period)
    if reminder is None:
        return 0
    with override(user.language):
        subject, template, context = mail()
        context = {**context, "user": user, "firm": company.name}
        try:
            send_mail(
                subject=subject,
                message=render_to_string(template, context),
                from_email=None,
                recipient_list=[user.email],
            )
        except (SMTPException, OSError) as error:
            logger.exception(
                "Could not send the %s reminder of %s to user %s", kind, period, user.pk
            )
            Reminder.objects.filter(pk=reminder.pk).update(error=str(error)[:200])
            return 0
    Reminder.objects.filter(pk=reminder.pk).update(sent_at=timezone.now(), error="")
    return 1


def _claim(*, company, user, kind, period):
    """The reminder's row if this run is to send it: it wrote the row, or took back one
    whose send failed (or whose worker died before it was marked sent) RETRY_AFTER or
    more ago and that has sends left; else None. Both are single statements that
    PostgreSQL makes a second worker wait on, so of two at once one gets the row."""
    now = timezone.now()
    with transaction.atomic():
        reminder, created = Reminder.objects.get_or_create(
            company=company, user=user, kind=kind, period=period, defaults={"claimed_at": now}
        )
    if created:
        return reminder
    taken = Reminder.objects.filter(
        pk=reminder.pk,
        sent_at__isnull=True,
        attempts__lt=ATTEMPTS,
        claimed_at__lte=now - RETRY_AFTER,
    ).update(claimed_at=now, attempts=F("attempts") + 1)
    return reminder if taken else None
