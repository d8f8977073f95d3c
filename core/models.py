"""Models every app shares. Domain-free: foreign keys name the user model by setting."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
        verbose_name = _("submitted form")
        verbose_name_plural = _("submitted forms")

    def __str__(self):
        return str(self.token)
