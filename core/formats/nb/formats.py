"""Dates and times as the firm writes them, in every language: 01.12.2026 and
01.12.2026 12:42 (24-hour). Templates name these (``date:"SHORT_DATE_FORMAT"``),
never a pattern of their own."""

DATE_FORMAT = "d.m.Y"
SHORT_DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = "d.m.Y H:i"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
TIME_FORMAT = "H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
