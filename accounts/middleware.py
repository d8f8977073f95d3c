from django.conf import settings
from django.utils import translation
from django_scopes import scope, scopes_disabled

# No firm has this id: a user without a firm is scoped to nothing, never to everything
# (django-scopes treats a scope value of None as "no filter").
NO_COMPANY = 0


class UserLanguageMiddleware:
    """The language is the user's own choice (profile), else Norwegian bokmål.

    The browser's Accept-Language header is deliberately ignored.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = settings.LANGUAGE_CODE
        if user is not None and user.is_authenticated and user.language:
            language = user.language
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class CompanyScopeMiddleware:
    """Scopes every query on a firm-owned model to the request user's firm.

    A query on a scoped model outside a scope raises ScopeError instead of leaking
    another firm's rows. The Django admin is for platform staff, who see all firms.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/admin/"

    def __call__(self, request):
        if request.path.startswith(self.admin_prefix):
            with scopes_disabled():
                return self.get_response(request)
        user = request.user
        company_id = (user.company_id if user.is_authenticated else None) or NO_COMPANY
        request.company_id = company_id
        with scope(company=company_id):
            return self.get_response(request)
