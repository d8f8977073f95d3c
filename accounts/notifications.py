"""E-mails that tell a user their sign-in was changed (OWASP ASVS 2.5.5): a new
password, or two-factor sign-in turned on, off or reset. If it was not them, the mail
tells them to act. A mail that cannot be sent does not undo the change; the security
log has it either way."""

import logging
from smtplib import SMTPException

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from .security_log import Kind

logger = logging.getLogger(__name__)

CHANGES = {
    Kind.PASSWORD_CHANGED: gettext_lazy("Your password has been changed."),
    Kind.PASSWORD_RESET: gettext_lazy("Your password was set from an e-mailed link."),
    Kind.TWO_FACTOR_ENABLED: gettext_lazy("Two-factor sign-in was turned on."),
    Kind.TWO_FACTOR_DISABLED: gettext_lazy("Two-factor sign-in was turned off."),
    Kind.TWO_FACTOR_RESET: gettext_lazy(
        "An Administrator reset your two-factor sign-in: set it up again from your profile."
    ),
}


def sign_in_changed(user, kind):
    """Tell ``user``, in their language, what changed and when."""
    with override(user.language):
        context = {"user": user, "change": CHANGES[kind], "at": timezone.localtime()}
        try:
            send_mail(
                subject=_("Your sign-in to Svenn was changed"),
                message=render_to_string("accounts/email/sign_in_changed.txt", context),
                from_email=None,
                recipient_list=[user.email],
            )
        except (SMTPException, OSError):
            logger.exception("Could not tell user %s of a change to their sign-in", user.pk)
