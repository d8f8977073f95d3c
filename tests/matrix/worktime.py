import datetime

from timesheets.selectors import Week
from worktime.models import Absence, AbsenceKind, AbsenceType, DayOff, WageTypes, WeekHandIn

from . import OK, Route, admins, everyone, managers


def employee(world):
    return [world.employee.pk]


def day_off(world):
    day, _ = DayOff.objects.get_or_create(
        company=world.company, date=datetime.date(2026, 12, 24), defaults={"name": "Julaften"}
    )
    return [day.pk]


def absence_type(world):
    found, _ = AbsenceType.objects.get_or_create(company=world.company, name="Kurs")
    return [found.pk]


def next_monday():
    today = datetime.date.today()
    return (today + datetime.timedelta(days=7 - today.weekday())).isoformat()


def schedule_data(world):
    hours = dict.fromkeys(["monday", "tuesday", "wednesday", "thursday", "friday"], "7,5")
    return {
        "valid_from": next_monday(),
        "position_percent": "100",
        **hours,
        "saturday": "0",
        "sunday": "0",
    }


ROUTES = [
    Route("worktime:employee", admins(other=404), args=employee),
    Route("worktime:employee", admins(other=404), args=employee, method="post", ok=422),
    Route(
        "worktime:employee",
        admins(other=404),
        args=employee,
        method="post",
        data=schedule_data,
        ok=302,
    ),
    Route("worktime:timebank_start", admins(other=404), args=employee, method="post", ok=422),
    Route(
        "worktime:timebank_start",
        admins(other=404),
        args=employee,
        method="post",
        data=lambda w: {"date": "2026-01-01", "balance": "-3,5"},
        ok=302,
    ),
    # Another firm's Administrator gets their own firm's rules.
    Route("worktime:rules", admins()),
    Route("worktime:rules", admins(), method="post", ok=422),
    Route(
        "worktime:rules",
        admins(),
        method="post",
        data=lambda w: {
            "daily_limit": "9",
            "weekly_limit": "40",
            "overtime_percent": "50",
            "second_band_percent": "100",
        },
        ok=302,
    ),
    # Unticked boxes turn both reminders off: a valid post, whatever is sent.
    Route("worktime:reminder_settings", admins(), method="post", ok=302),
    Route(
        "worktime:reminder_settings",
        admins(),
        method="post",
        data=lambda w: {"remind_hand_in": "on", "remind_empty_day": "on"},
        ok=302,
    ),
    Route("worktime:day_off_create", admins(), method="post", ok=422),
    Route(
        "worktime:day_off_create",
        admins(),
        method="post",
        data=lambda w: {"date": "2026-12-31", "name": "Nyttårsaften"},
        ok=302,
    ),
    Route("worktime:day_off_delete", admins(other=404), args=day_off, method="post", ok=302),
    Route("worktime:absence_type_create", admins(), method="post", ok=422),
    Route(
        "worktime:absence_type_create",
        admins(),
        method="post",
        data=lambda w: {"name": "Velferdspermisjon", "paid": "on", "active": "on"},
        ok=302,
    ),
    Route("worktime:absence_type_update", admins(other=404), args=absence_type),
    Route(
        "worktime:absence_type_update",
        admins(other=404),
        args=absence_type,
        method="post",
        ok=422,
    ),
    Route(
        "worktime:absence_type_update",
        admins(other=404),
        args=absence_type,
        method="post",
        data=lambda w: {"name": "Kurs og opplæring", "active": "on"},
        ok=302,
    ),
    Route(
        "worktime:absence_type_delete", admins(other=404), args=absence_type, method="post", ok=302
    ),
]

ROUTES += [
    Route("worktime:balances", managers()),
    Route("worktime:week", everyone()),
]


def own_request(world):
    """The employee's request for a day of holiday, not decided yet."""
    absence, _ = Absence.objects.get_or_create(
        company=world.company,
        user=world.employee,
        kind=AbsenceKind.HOLIDAY,
        start=datetime.date(2027, 3, 1),
        end=datetime.date(2027, 3, 1),
    )
    return [absence.pk]


OWN = {"admin": 404, "moderator": 404, "employee": OK, "other_admin": 404}

ROUTES += [
    Route("worktime:absences", everyone()),
    Route("worktime:absences", everyone(), method="post", ok=422),
    Route(
        "worktime:absences",
        everyone(),
        method="post",
        data=lambda w: {"kind": "holiday", "start": "2027-03-02", "end": "2027-03-03"},
        ok=302,
    ),
    # Another firm's Administrator cannot choose this firm's type: a message, 422.
    Route(
        "worktime:absences",
        everyone(other=422),
        method="post",
        data=lambda w: {
            "kind": f"type-{absence_type(w)[0]}",
            "start": "2027-03-04",
            "end": "2027-03-04",
        },
        ok=302,
    ),
    Route("worktime:absence_withdraw", OWN, args=own_request, method="post", ok=302),
    Route("worktime:absence_requests", managers()),
    Route(
        "worktime:absence_decide",
        managers(other=404),
        args=own_request,
        method="post",
        data=lambda w: {"decision": "approve"},
        ok=302,
    ),
    Route("worktime:absence_calendar", managers()),
    Route("worktime:holiday_allowance", admins(other=404), args=employee, method="post", ok=422),
    Route(
        "worktime:holiday_allowance",
        admins(other=404),
        args=employee,
        method="post",
        data=lambda w: {"year": "2026", "days": "25", "carried_over": "3"},
        ok=302,
    ),
]


def last_week():
    today = datetime.date.today()
    return Week.of(today - datetime.timedelta(days=7))


def handed_in_week(world):
    """The employee's last week, handed in, to be sent back."""
    week = last_week()
    WeekHandIn.objects.get_or_create(company=world.company, user=world.employee, week=week.monday)
    return {"week": str(week), "user": world.employee.pk, "comment": "Mangler fredag"}


ROUTES += [
    Route("worktime:hand_in", everyone()),
    Route("worktime:hand_in", everyone(), method="post", ok=422),
    Route(
        "worktime:hand_in",
        everyone(),
        method="post",
        data=lambda w: {"week": str(last_week())},
        ok=302,
    ),
    Route("worktime:hand_ins", managers()),
    Route("worktime:send_back", managers(), method="post", ok=422),
    Route(
        "worktime:send_back",
        managers(other=404),
        method="post",
        data=handed_in_week,
        ok=302,
    ),
]


def wage_types_data(world):
    """Every wage type's code, and one for each firm's own absence type (any firm's:
    a form ignores another firm's)."""
    codes = dict.fromkeys(WageTypes.FIELDS, "1000")
    own = {f"type-{t.pk}": "2350" for t in AbsenceType.objects.all()}
    return {**codes, **own}


PERIOD = "?date_from=2026-11-01&date_to=2026-11-30"

ROUTES += [
    Route("worktime:wage_types", admins(), method="post", ok=422),
    Route("worktime:wage_types", admins(), method="post", data=wage_types_data, ok=302),
    # Pay data is the Administrator's; another firm's gets their own firm's basis.
    Route("worktime:payroll", admins()),
    Route("worktime:payroll", admins(), query=PERIOD),
    Route("worktime:payroll", admins(), query="?date_from=2026-11-30&date_to=2026-11-01", ok=422),
    Route("worktime:payroll_csv", admins(), query=PERIOD),
    Route("worktime:payroll_xlsx", admins(), query=PERIOD),
]
