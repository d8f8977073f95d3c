import datetime
import re

from django import forms
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from core.forms import DateField
from timesheets.selectors import Week

from . import services
from .models import (
    WEEKDAYS,
    Absence,
    AbsenceKind,
    AbsenceType,
    DayOff,
    HolidayAllowance,
    OvertimeRules,
    TimebankStart,
    WorkSchedule,
    this_monday,
)


class ScheduleForm(forms.ModelForm):
    """An employee's working time from a date on (the rules are the model's)."""

    class Meta:
        model = WorkSchedule
        fields = ["valid_from", "position_percent", *WEEKDAYS, "flex"]
        field_classes = {"valid_from": DateField}

    def __init__(self, *args, current=None, **kwargs):
        """Filled in with ``current``'s values, from this week's Monday on."""
        initial = {name: getattr(current, name) for name in self.Meta.fields if current}
        initial["valid_from"] = this_monday()
        super().__init__(*args, initial={**initial, **kwargs.pop("initial", {})}, **kwargs)


class TimebankStartForm(forms.ModelForm):
    class Meta:
        model = TimebankStart
        fields = ["date", "balance"]
        field_classes = {"date": DateField}
        help_texts = {"balance": _("The balance at the start of the day; may be negative.")}


class OvertimeRulesForm(forms.ModelForm):
    class Meta:
        model = OvertimeRules
        fields = [
            "daily_limit",
            "weekly_limit",
            "overtime_percent",
            "second_band",
            "second_band_percent",
            "second_band_from",
            "ia_agreement",
            "allow_negative_timebank",
        ]
        widgets = {"second_band_from": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}


class ReminderSettingsForm(forms.ModelForm):
    """The firm's reminders (worktime.reminders), a box of its own on the rules page."""

    class Meta:
        model = OvertimeRules
        fields = ["remind_hand_in", "remind_empty_day"]


class DayOffForm(forms.ModelForm):
    class Meta:
        model = DayOff
        fields = ["date", "name"]
        field_classes = {"date": DateField}


OWN_TYPE = "type-"  # the choice of a firm's own type: "type-<id>"


class AbsenceForm(forms.ModelForm):
    """An employee's request for absence (the rules are the model's and the service's).
    "Type" offers the built-in kinds and the firm's active own types in one select; the
    cleaned data carry the kind and, for an own type, ``custom_type``."""

    kind = forms.ChoiceField(label=_("Type"))

    class Meta:
        model = Absence
        fields = ["kind", "start", "end", "hours", "note"]
        field_classes = {"start": DateField, "end": DateField}

    def __init__(self, *args, company=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.own_types = {}
        if company is not None:
            own = AbsenceType.objects.filter(company=company, active=True).order_by(Lower("name"))
            self.own_types = {f"{OWN_TYPE}{t.pk}": t for t in own}
        self.fields["kind"].choices = [
            ("", "---------"),
            *AbsenceKind.choices,
            *((value, t.name) for value, t in self.own_types.items()),
        ]

    def clean_kind(self):
        value = self.cleaned_data["kind"]
        custom_type = self.own_types.get(value)
        self.cleaned_data["custom_type"] = custom_type
        return custom_type.kind if custom_type else value


class AbsenceTypeForm(forms.ModelForm):
    """A firm's own absence type (the name's rule is the service's)."""

    class Meta:
        model = AbsenceType
        fields = ["name", "paid", "active"]


class DecisionForm(forms.Form):
    # The button pressed: "Godkjenn" or "Avslå"; anything else is no decision at all.
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    comment = forms.CharField(label=_("Comment"), max_length=200, required=False)


class HolidayAllowanceForm(forms.ModelForm):
    class Meta:
        model = HolidayAllowance
        fields = ["year", "days", "carried_over"]


class WeekField(forms.CharField):
    """An ISO week as the week page names it (``2026-W49``), as a timesheets Week."""

    def __init__(self, **kwargs):
        super().__init__(label=_("Week"), max_length=8, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        match = re.fullmatch(r"(\d{4})-W(\d{2})", value.upper())
        try:
            week = Week(datetime.date.fromisocalendar(int(match[1]), int(match[2]), 1))
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Give a week as 2026-W49.")) from None
        if not week.in_range:
            raise forms.ValidationError(_("Give a week as 2026-W49."))
        return week


class HandInForm(forms.Form):
    week = WeekField()

    def clean_week(self):
        week = self.cleaned_data["week"]
        services.check_week_begun(week)
        return week


class SendBackForm(forms.Form):
    week = WeekField()
    user = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    comment = forms.CharField(label=_("Comment"), max_length=200)
