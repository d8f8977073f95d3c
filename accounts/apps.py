from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .sessions import record_login

        user_logged_in.connect(record_login, dispatch_uid="accounts.record_login")
        # Connects the security log's receivers of sign-in and lockout signals.
        from . import security_log  # noqa: F401
