from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule, 12 characters by default (OWASP ASVS 2.1.1), with a
    message that says why."""

    def __init__(self, min_length=12):
        super().__init__(min_length)

    def get_error_message(self):
        return ngettext(
            "The password must have at least %(min_length)d character. "
            "Long passwords are harder to guess.",
            "The password must have at least %(min_length)d characters. "
            "Long passwords are harder to guess.",
            self.min_length,
        ) % {"min_length": self.min_length}
