"""Models every app shares. Domain-free: foreign keys name the user model by setting."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class SubmittedForm(models.Model):
    """The one-time token of a create form that was saved.

    A double tap on "Lagre" sends the same form twice; the second POST finds its token
    here and creates nothing (see core.idempotency).
    """

    token = models.UUIDField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    result_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = gettext_lazy("submitted form")
        verbose_name_plural = gettext_lazy("submitted forms")

    def __str__(self):
        return str(self.token)


class StaleVersion(Exception):
    """A save carried a version older than the saved object's: someone saved in between.

    Raised by every service that writes a versioned object; core.pages.conflict turns
    it into a 409 that keeps the user's input. ``current`` is the object as saved now.
    The model's ``stale_message`` (with ``%(name)s`` for who saved) opens the message.
    """

    def __init__(self, current):
        super().__init__(f"{type(current).__name__} {current.pk} is at version {current.version}")
        self.current = current

    @property
    def changed_by(self):
        by = getattr(self.current, "updated_by", None)
        return by.name if by else _("someone else")

    @property
    def message(self):
        template = getattr(self.current, "stale_message", None) or _(
            "This has been changed by %(name)s since you opened it."
        )
        return template % {"name": self.changed_by}

    def message_for(self, form):
        """The message, naming the fields where the saved values now differ from the
        user's input, and what to do."""
        data = getattr(form, "cleaned_data", {})
        differ = [
            str(form.fields[name].label)
            for name, value in data.items()
            if name in form.fields and name != "version" and _differs(self.current, name, value)
        ]
        parts = [self.message]
        if differ:
            parts.append(
                _("Saved values differ from yours in: %(fields)s.") % {"fields": ", ".join(differ)}
            )
        parts.append(_("Your input is kept below: check it and save again."))
        return " ".join(parts)


def _differs(obj, name, value):
    if not hasattr(obj, name):
        return False
    saved = getattr(obj, name)
    if isinstance(saved, models.Model):
        saved = saved.pk
    if isinstance(value, models.Model):
        value = value.pk
    if saved in (None, "") and value in (None, ""):
        return False
    return saved != value
