"""The firm's security log page ("Sikkerhetslogg"), for its Administrator."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from . import permissions as perms
from . import security_log, selectors

PAGE_SIZE = 50


class SecurityLogFilterForm(forms.Form):
    """The page's filters (GET); an invalid one is shown and ignored."""

    kind = forms.ChoiceField(
        label=_("Event"), choices=[("", _("All")), *security_log.Kind.choices], required=False
    )
    user = forms.ModelChoiceField(
        label=_("User"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("All"),
        help_text=_("Events this user did or that concern them."),
    )

    def __init__(self, data):
        super().__init__(data)
        self.fields["user"].queryset = selectors.users_of_company()

    def filters(self):
        self.is_valid()
        return {"kind": self.cleaned_data.get("kind"), "user": self.cleaned_data.get("user")}


@require_http_methods(["GET"])
@perms.role_required(perms.SECURITY_LOG_VIEW)
def security_log_list(request):
    form = SecurityLogFilterForm(request.GET)
    events = selectors.security_events(**form.filters())
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(event, security_log.describe(event)) for event in page]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "retention_days": settings.SECURITY_LOG_RETENTION_DAYS,
    }
    return render(request, "accounts/security_log.html", context)
