"""``autopost createuser EMAIL --plan PLAN [--password P] [--api-token]``.

Creates a user, or changes the plan (and password) of an existing one. With ``--api-token`` a new
API token is issued and printed once, on the last line of the output; only its hash is stored.
"""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from autopost.accounts.models import ApiToken, User
from autopost.accounts.plans import Plan


class Command(BaseCommand):
    help = (
        "Create a user or update its plan. Prints a new API token with --api-token "
        "(shown once; only its hash is kept)."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="the e-mail the user signs in with")
        parser.add_argument(
            "--plan",
            help=f"one of: {', '.join(Plan.values)} (required for a new user)",
        )
        parser.add_argument(
            "--password",
            help="sign-in password (a new user without one can use only API tokens); "
            "note that arguments are visible in the process list",
        )
        parser.add_argument(
            "--api-token", action="store_true", help="issue an API token and print it once"
        )

    def handle(self, *args, email, plan=None, password=None, api_token=False, **options):
        email = self._clean_email(email)
        if plan is not None and plan not in Plan.values:
            raise CommandError(f"Unknown plan {plan!r}: choose one of {', '.join(Plan.values)}.")

        with transaction.atomic():
            user = User.objects.select_for_update().filter(email__iexact=email).first()
            created = user is None
            if created:
                if plan is None:
                    raise CommandError(f"--plan is required to create a user ({email}).")
                user = User(email=email, plan=plan)
            elif plan is not None:
                user.plan = plan
            if password is not None:
                self._check_password(password, user)
                user.set_password(password)
            elif created:
                user.set_unusable_password()
            user.save()
            raw_token = ApiToken.issue(user, name="cli")[1] if api_token else None

        action = "Created" if created else "Updated"
        self.stdout.write(f"{action} user {user.email} (plan: {user.plan}).")
        if raw_token:
            self.stdout.write("API token (shown once; only its hash is stored):")
            self.stdout.write(raw_token)

    def _clean_email(self, email: str) -> str:
        email = User.objects.normalize_email(email.strip())
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"Not a valid e-mail address: {email!r}.") from None
        # The username mirrors the e-mail and is the shorter column.
        max_length = User._meta.get_field("username").max_length
        if len(email) > max_length:
            raise CommandError(f"E-mail address is longer than {max_length} characters.")
        return email

    def _check_password(self, password: str, user: User) -> None:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("Password rejected: " + " ".join(exc.messages)) from None
