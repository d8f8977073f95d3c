import datetime

from worktime.models import DayOff

from . import Route, admins, everyone, managers


def employee(world):
    return [world.employee.pk]


def day_off(world):
    day, _ = DayOff.objects.get_or_create(
        company=world.company, date=datetime.date(2026, 12, 24), defaults={"name": "Julaften"}
    )
    return [day.pk]


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
    Route("worktime:day_off_create", admins(), method="post", ok=422),
    Route(
        "worktime:day_off_create",
        admins(),
        method="post",
        data=lambda w: {"date": "2026-12-31", "name": "Nyttårsaften"},
        ok=302,
    ),
    Route("worktime:day_off_delete", admins(other=404), args=day_off, method="post", ok=302),
]

ROUTES += [
    Route("worktime:balances", managers()),
    Route("worktime:week", everyone()),
]
