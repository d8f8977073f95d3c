import datetime
import re

from django import forms
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from core.forms import DateField
from core.validators import validate_date_in_range
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
    WageTypes,
    WorkSchedule,
    this_monday,
    validate_wage_code,
)
from .payroll import LONGEST


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


# "Lønnsgrunnlag" ---------------------------------------------------------------------

OWN_CODE = "type-"  # the code of a firm's own absence type: "type-<id>"


class WageTypesForm(forms.ModelForm):
    """The firm's wage type codes, and one for each of its own absence types (the
    cleaned data carry those as ``own_codes``: {type: code})."""

    class Meta:
        model = WageTypes
        fields = WageTypes.FIELDS

    def __init__(self, *args, absence_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.absence_types = list(absence_types)
        for absence_type in self.absence_types:
            label = absence_type.name
            if not absence_type.active:
                label = f"{label} ({_('inactive')})"
            self.fields[f"{OWN_CODE}{absence_type.pk}"] = forms.CharField(
                label=label,
                max_length=WageTypes._meta.get_field("normal").max_length,
                validators=[validate_wage_code],
                initial=self.instance.code_of(absence_type),
            )

    def clean(self):
        data = super().clean()
        own = {}
        for absence_type in self.absence_types:
            code = data.pop(f"{OWN_CODE}{absence_type.pk}", None)
            if code is not None:
                own[absence_type] = code
        data["own_codes"] = own
        return data


def last_month(today):
    first_of_this = today.replace(day=1)
    last = first_of_this - datetime.timedelta(days=1)
    return last.replace(day=1), last


def month_of(first):
    """The first and last day of the month that begins on ``first``."""
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


class PayrollPeriodForm(forms.Form):
    """The period of the payroll basis (GET): "From date" and "To date", or a month
    ("2026-11", the shortcut); nothing asked is last month."""

    date_from = DateField(label=_("From date"), required=False)
    date_to = DateField(label=_("To date"), required=False)
    month = forms.CharField(
        label=_("Month"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-11"}),
    )

    def __init__(self, data, *, today):
        asked = any(data.get(name) for name in ("date_from", "date_to", "month"))
        super().__init__(data if asked else {"month": f"{last_month(today)[0]:%Y-%m}"})

    def clean_month(self):
        value = self.cleaned_data["month"].strip()
        if not value:
            return None
        try:
            first = datetime.datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(
                _("Enter a month as year and month, for example 2026-11.")
            ) from None
        validate_date_in_range(first)
        validate_date_in_range(month_of(first)[1])
        return first

    def clean(self):
        data = super().clean()
        if data.get("month"):
            data["date_from"], data["date_to"] = month_of(data["month"])
            return data
        start, end = data.get("date_from"), data.get("date_to")
        for name in ("date_from", "date_to"):
            if not data.get(name) and name not in self.errors:
                self.add_error(name, _("Enter a date."))
        if start and end and end < start:
            self.add_error("date_to", _("“To date” must be on or after “From date”."))
        elif start and end and end - start >= LONGEST:
            self.add_error("date_to", _("Choose a period of at most a year."))
        return data

    @property
    def period(self):
        """(from, to) of a valid form."""
        return self.cleaned_data["date_from"], self.cleaned_data["date_to"]
