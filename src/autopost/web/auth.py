"""Sign-up with Django's own user-creation form; signing in and out are Django's auth views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from autopost import ratelimit
from autopost.accounts.models import User

# New accounts from one address: enough for an office behind one NAT, too few for a script.
SIGNUP_RATE_PER_ADDRESS = "10/hour"


class SignUpForm(UserCreationForm):
    """E-mail and the password twice; the passwords pass AUTH_PASSWORD_VALIDATORS."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("email",)
        labels = {"email": gettext_lazy("E-mail")}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update(autocomplete="email", placeholder="name@mail.ru")

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        # The unique index is case-sensitive; Anna@ and anna@ must still be one person.
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                _("An account with this e-mail already exists: sign in instead."), code="unique"
            )
        return email


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def sign_up(request):
    """Create the account (plan Free: the model's default), sign in, and open «Платформы»."""
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            address = request.META.get("REMOTE_ADDR", "")
            if ratelimit.hit(SIGNUP_RATE_PER_ADDRESS, "signup", address):
                user = form.save()
                login(request, user)
                welcome = _("Welcome! Your account is ready; your plan is %(plan)s.")
                messages.success(request, welcome % {"plan": user.get_plan_display()})
                return redirect("settings")
            form.add_error(
                None, _("Too many new accounts from your address: try again in an hour.")
            )
            status = 429
    return render(request, "registration/signup.html", {"form": form}, status=status)
