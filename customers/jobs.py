"""Customers' background jobs (core/jobs.py): "Importer kunder" checks and imports a file
on a worker, with its progress on the job's page, never in a web worker."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions as perms
from core import jobs
from core.tables import Unreadable

from . import imports
from .models import CustomerImport


@jobs.register(
    imports.JOB,
    title=gettext_lazy("Import customers"),
    template="customers/import_done.html",
    permission=perms.CUSTOMERS_MANAGE,
)
def import_customers(job, *, upload, dry_run):
    """Check (``dry_run``) or import the uploaded file ``upload`` (a CustomerImport id);
    the summary is the job's result. It runs in the job's firm and the user's language."""
    found = CustomerImport.objects.filter(pk=upload, created_by=job.user).first()
    if found is None:
        raise jobs.JobRefused(_("The file is no longer here. Upload it again."))
    try:
        imports.import_customers(
            found, by=job.user, dry_run=dry_run, progress=job.report, finish=job.finish
        )
    except Unreadable as error:
        raise jobs.JobRefused(error.message) from error
