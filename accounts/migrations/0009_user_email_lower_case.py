from django.db import migrations, models
from django.db.models.functions import Lower


def lower_case_emails(apps, schema_editor):
    """Every user was created with a lower-case e-mail; one changed by hand since is
    put in lower case too, unless that spelling is taken (then the migration stops and
    names both, for someone to decide which user keeps the address)."""
    User = apps.get_model("accounts", "User")
    for user in User.objects.exclude(email=Lower("email")):
        lower = user.email.lower()
        taken = User.objects.filter(email=lower).exclude(pk=user.pk).first()
        if taken:
            raise RuntimeError(
                f"Users {user.pk} ({user.email}) and {taken.pk} ({taken.email}) have the same "
                "e-mail address in different case; change one of them and migrate again."
            )
        user.email = lower
        user.save(update_fields=["email"])


class Migration(migrations.Migration):
    """The login looks e-mail addresses up exactly, in lower case (accounts.models
    normalise_email): the database keeps them so."""

    dependencies = [("accounts", "0008_two_factor_requirement_and_reset")]

    operations = [
        migrations.RunPython(lower_case_emails, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=models.Q(email=Lower("email")), name="user_email_lower_case"
            ),
        ),
    ]
