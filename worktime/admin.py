from django.contrib import admin

from core.admin import EventAdmin, ReadOnlyAdmin

from .models import (
    Absence,
    AbsenceType,
    DayOff,
    HolidayAllowance,
    OvertimeRules,
    Reminder,
    TimebankStart,
    WageTypes,
    WeekHandIn,
    WeekHandInEvent,
    WorkSchedule,
)

# Platform staff read the firms' working time; the firms keep it themselves, on their
# own pages, where the rules of worktime.services apply.


@admin.register(WorkSchedule)
class WorkScheduleAdmin(ReadOnlyAdmin):
    list_display = ["user", "valid_from", "position_percent", "weekly_hours", "flex", "company"]
    list_filter = ["company", "flex"]
    list_select_related = ["user", "company"]
    search_fields = ["user__name", "user__email"]


@admin.register(TimebankStart)
class TimebankStartAdmin(ReadOnlyAdmin):
    list_display = ["user", "date", "balance", "company"]
    list_filter = ["company"]
    list_select_related = ["user", "company"]


@admin.register(OvertimeRules)
class OvertimeRulesAdmin(ReadOnlyAdmin):
    list_display = [
        "company",
        "daily_limit",
        "weekly_limit",
        "overtime_percent",
        "second_band",
        "remind_hand_in",
        "remind_empty_day",
    ]
    list_filter = ["remind_hand_in", "remind_empty_day"]


@admin.register(DayOff)
class DayOffAdmin(ReadOnlyAdmin):
    list_display = ["date", "name", "company"]
    list_filter = ["company"]


@admin.register(AbsenceType)
class AbsenceTypeAdmin(ReadOnlyAdmin):
    list_display = ["name", "paid", "active", "wage_code", "company"]
    list_filter = ["company", "paid", "active"]
    list_select_related = ["company"]
    search_fields = ["name"]


@admin.register(Absence)
class AbsenceAdmin(ReadOnlyAdmin):
    list_display = ["user", "kind", "custom_type", "start", "end", "hours", "status", "company"]
    list_filter = ["company", "kind", "status"]
    list_select_related = ["user", "company", "custom_type"]
    search_fields = ["user__name", "user__email"]


@admin.register(HolidayAllowance)
class HolidayAllowanceAdmin(ReadOnlyAdmin):
    list_display = ["user", "year", "days", "carried_over", "company"]
    list_filter = ["company", "year"]
    list_select_related = ["user", "company"]


@admin.register(WeekHandIn)
class WeekHandInAdmin(ReadOnlyAdmin):
    list_display = ["user", "week", "handed_in_at", "returned_at", "company"]
    list_filter = ["company", ("returned_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user", "company"]
    search_fields = ["user__name", "user__email"]


admin.site.register(WeekHandInEvent, EventAdmin)


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    """Each reminder e-mail: one without "sent" failed (its error) or is being sent."""

    list_display = ["user", "kind", "period", "sent_at", "attempts", "error", "company"]
    list_filter = ["company", "kind", ("sent_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user", "company"]
    search_fields = ["user__name", "user__email"]
    date_hierarchy = "period"


@admin.register(WageTypes)
class WageTypesAdmin(ReadOnlyAdmin):
    list_display = ["company", "normal", "overtime", "overtime_second", "driving"]
    list_select_related = ["company"]
