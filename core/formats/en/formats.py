"""English pages show Norwegian dates and times: the firm is Norwegian, only the
words change (not 12/01/2026 12:42 p.m.)."""

from core.formats.nb.formats import (  # noqa: F401 - Django reads them from this module
    DATE_FORMAT,
    DATETIME_FORMAT,
    FIRST_DAY_OF_WEEK,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    TIME_FORMAT,
)
