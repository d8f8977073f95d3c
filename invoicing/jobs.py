"""The invoice basis's jobs (core.jobs): the PDF of a basis of more lines than the
request makes (invoicing.exports.pdf_made_by_job), written by a worker and downloaded
from the job's page."""

from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions as perms
from accounts import security_log
from core.jobs import JobRefused, register
from core.pdf import PDF

from . import exports, selectors
from .forms import BasisForm

BASIS_PDF = "invoicing.basis_pdf"


def _choice(query):
    """The basis page's choice of the request that started the job (its ``query``),
    read as that request read it; None when it is no longer valid."""
    return BasisForm(QueryDict(query)).choice()


def _log_download(request, job):
    """Each download of the file is an export in the security log, as a direct one is."""
    if "invoiced" in job.params:
        invoiced = selectors.bases().filter(pk=job.params["invoiced"]).first()
        detail = {"format": "pdf", "basis_id": job.params["invoiced"]}
        if invoiced is not None:
            detail = exports.invoiced_log_detail("pdf", invoiced)
    else:
        choice = _choice(job.params["query"])
        detail = {"format": "pdf", "query": job.params["query"]}
        if choice is not None:
            detail = exports.log_detail("pdf", choice)
    security_log.record(security_log.Kind.EXPORTED, request=request, detail=detail)


@register(
    BASIS_PDF,
    title=gettext_lazy("Invoice basis as PDF"),
    on_download=_log_download,
    permission=perms.INVOICE_BASIS,
)
def basis_pdf(job, *, query=None, invoiced=None):
    """The PDF of the basis page's ``query``, or of the invoiced basis ``invoiced``."""
    if invoiced is not None:
        found = selectors.bases().filter(pk=invoiced).first()
        if found is None:
            raise JobRefused(_("The invoice basis is no longer there."))
        context = exports.invoiced_pdf_context(found, selectors.invoiced_basis(found))
    else:
        choice = _choice(query)
        if choice is None:
            raise JobRefused(_("The customer or the project of this basis is no longer there."))
        found = selectors.basis(company=job.company, **choice)
        context = exports.pdf_context(job.company, choice, found)
    job.report(0, total=context["basis"].line_count, stage=_("Writing the PDF"))
    job.finish_file(exports.pdf_name(context), PDF, exports.pdf_bytes(context))
