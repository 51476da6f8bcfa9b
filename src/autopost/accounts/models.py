import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, UserManager as DjangoUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from autopost.accounts.plans import Plan, plan_allows


class UserManager(DjangoUserManager):
    """Users sign in with their e-mail; the username field mirrors it."""

    def _create_user(self, username, email, password, **extra_fields):
        email = self.normalize_email(email or username)
        return super()._create_user(email, email, password, **extra_fields)

    def create_user(self, email=None, password=None, **extra_fields):
        return super().create_user(email, email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        return super().create_superuser(email, email, password, **extra_fields)


class User(AbstractUser):
    email = models.EmailField(_("e-mail"), unique=True)
    plan = models.CharField(_("plan"), max_length=16, choices=Plan.choices, default=Plan.FREE)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    def save(self, *args, **kwargs):
        self.username = self.email
        super().save(*args, **kwargs)

    def can_publish_to(self, platform: str) -> bool:
        return plan_allows(self.plan, platform)


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def authenticate(self, raw: str) -> "ApiToken | None":
        token = self.select_related("user").filter(token_hash=_hash_token(raw)).first()
        if token is None or not token.user.is_active:
            return None
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token


class ApiToken(models.Model):
    """An API token; only its SHA-256 is stored, the raw value is shown once at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, default="default")
    prefix = models.CharField(max_length=12, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @classmethod
    def issue(cls, user: User, name: str = "default") -> tuple["ApiToken", str]:
        raw = f"ap_{secrets.token_urlsafe(32)}"
        token = cls.objects.create(
            user=user, name=name, prefix=raw[:10], token_hash=_hash_token(raw)
        )
        return token, raw
