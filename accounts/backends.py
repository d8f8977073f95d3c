from django.contrib.auth.backends import ModelBackend

from .permissions import TABLE, role_allows


class EmailRoleBackend(ModelBackend):
    """Logs in by e-mail (case-insensitive) and answers firm permissions from the
    role table; Django's model permissions (for the admin) work as usual."""

    def has_perm(self, user_obj, perm, obj=None):
        if perm in TABLE:
            return role_allows(user_obj, perm)
        return super().has_perm(user_obj, perm, obj)
