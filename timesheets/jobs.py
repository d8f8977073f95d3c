"""The hours' jobs (core.jobs): an Excel export of a longer period than the request
makes (timesheets.exports.made_by_job), written by a worker and downloaded from the
job's page."""

from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions as perms
from accounts import security_log
from core.jobs import register
from core.spreadsheets import XLSX, dated

from . import exports, selectors
from .forms import OverviewFilterForm

EXPORT_XLSX = "timesheets.export_xlsx"


def _filters(user, query):
    """The overview's filters of the request that started the job (its ``query``), read
    as that request read them."""
    return OverviewFilterForm(QueryDict(query), user=user).filters()


def _log_download(request, job):
    """Each download of the file is an export in the security log, as a direct one is."""
    detail = exports.log_detail("xlsx", _filters(job.user, job.params["query"]))
    security_log.record(security_log.Kind.EXPORTED, request=request, detail=detail)


@register(
    EXPORT_XLSX,
    title=gettext_lazy("Excel export of hours"),
    on_download=_log_download,
    permission=perms.HOURS_EXPORT,
)
def export_xlsx(job, *, query):
    entries = selectors.exported_entries(job.user, _filters(job.user, query))
    job.report(0, total=entries.count(), stage=_("Writing the workbook"))
    data = exports.xlsx_file(entries, progress=job.report)
    job.finish_file(dated(_("hours"), "xlsx"), XLSX, data)
