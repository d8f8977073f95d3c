from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import permissions as perms
from . import selectors, services
from .forms import LoginForm, ProfileForm, UserCreateForm, UserUpdateForm


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        messages.success(self.request, _("Your password has been changed."))
        return super().form_valid(form)


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


def _form_status(form):
    return 200 if not form.is_bound or form.is_valid() else 422


@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    form = ProfileForm(
        request.POST or None,
        initial={"name": user.name, "phone": user.phone, "language": user.language},
    )
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(user=user, **form.cleaned_data)
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form}, status=_form_status(form))


@require_http_methods(["GET"])
@perms.role_required(perms.USERS_MANAGE)
def user_list(request):
    users = selectors.users_of_company()
    return render(request, "accounts/user_list.html", {"users": users})


@require_http_methods(["GET", "POST"])
@perms.role_required(perms.USERS_MANAGE)
def user_create(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.user_create(
            company=request.user.company, by=request.user, **form.cleaned_data
        )
        services.user_send_welcome(request=request, user=user, by=request.user)
        messages.success(
            request,
            _("%(name)s has been added and e-mailed a link to set a password.")
            % {"name": user.name},
        )
        return redirect("accounts:users")
    return render(request, "accounts/user_form.html", {"form": form}, status=_form_status(form))


@require_http_methods(["GET", "POST"])
@perms.role_required(perms.USERS_MANAGE)
def user_update(request, pk):
    user = selectors.get_company_user(pk)
    initial = {"name": user.name, "phone": user.phone, "role": user.role}
    form = UserUpdateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(user=user, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s has been saved.") % {"name": user.name})
            return redirect("accounts:users")
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "subject": user},
        status=_form_status(form),
    )


@require_POST
@perms.role_required(perms.USERS_MANAGE)
def user_set_active(request, pk):
    user = selectors.get_company_user(pk)
    active = request.POST.get("active") == "1"
    try:
        services.user_set_active(user=user, by=request.user, active=active)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("accounts:users")
    if active:
        messages.success(request, _("%(name)s is active again.") % {"name": user.name})
    else:
        messages.success(request, _("%(name)s has been deactivated.") % {"name": user.name})
    return redirect("accounts:users")
