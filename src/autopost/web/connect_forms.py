"""The connect forms of the «Платформы» page, one per platform.

Fields check only what a browser can get wrong (a missing value); the platform itself judges the
credentials through ``connect_platform``, and its error lands under the field it is about.
Secrets are never rendered back into a page, not even after an error.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from autopost.connections.models import PlatformConnection
from autopost.connections.service import connect_platform
from autopost.publishing.errors import ServiceError


class SecretTextarea(forms.Textarea):
    """A textarea that, like ``PasswordInput``, comes back empty after a failed submit."""

    def format_value(self, value):
        return None


def secret(**attrs) -> forms.PasswordInput:
    return forms.PasswordInput(attrs={"autocomplete": "off", "spellcheck": "false", **attrs})


class ConnectForm(forms.Form):
    platform = ""
    # Service error code → the field it is about; any other code is shown above the form.
    error_fields: dict[str, str] = {}
    # Fields that hold secrets: never logged (sensitive_post_parameters), never rendered back.
    secret_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.platform}-%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def connect(self, user) -> PlatformConnection | None:
        """Validate with the platform and save; when refused, None and the error on the form."""
        if self.is_valid():
            try:
                return connect_platform(user, self.platform, **self.cleaned_data)
            except ServiceError as exc:
                self.add_error(self.error_fields.get(exc.code), exc.message)
        self._focus_the_problem()
        return None

    def _focus_the_problem(self) -> None:
        """The page is long: put the cursor (and the scroll) where the fix goes."""
        name = next((name for name in self.fields if name in self.errors), next(iter(self.fields)))
        self.fields[name].widget.attrs["autofocus"] = True


class TelegramConnectForm(ConnectForm):
    platform = "telegram"
    secret_fields = ("bot_token",)
    error_fields = {
        "telegram_invalid_token": "bot_token",
        "telegram_invalid_channel": "channel",
        "telegram_chat_not_found": "channel",
        "telegram_not_a_channel": "channel",
        "telegram_bot_not_member": "channel",
        "telegram_bot_not_admin": "channel",
        "telegram_no_post_rights": "channel",
    }

    bot_token = forms.CharField(
        label=_("Bot token"), widget=secret(placeholder="123456789:AA…"),
        help_text=_("@BotFather gives it when you create the bot."),
    )
    channel = forms.CharField(
        label=_("Channel"), widget=forms.TextInput(attrs={"placeholder": "@my_channel"}),
        help_text=_("@name, a t.me/… link, or the numeric id (-100…) of a private channel."),
    )


class VkTokenConnectForm(ConnectForm):
    platform = "vk"
    secret_fields = ("access_token",)
    error_fields = {
        "vk_invalid_token": "access_token",
        "vk_token_expired": "access_token",
        "vk_token_invalid": "access_token",
        "vk_no_video_scope": "access_token",
        "vk_community_token": "access_token",
        "vk_validation_required": "access_token",
        "vk_invalid_target": "target_id",
        "vk_group_not_found": "target_id",
        "vk_not_group_admin": "target_id",
    }

    access_token = forms.CharField(
        label=_("VK user token"), widget=secret(),
        help_text=_("With the video, wall, groups and offline permissions."),
    )
    target_id = forms.CharField(
        label=_("Community"), required=False,
        widget=forms.TextInput(attrs={"placeholder": "-123456 / vk.com/club123456"}),
        help_text=_("Leave empty to publish to your own page."),
    )


class RutubeConnectForm(ConnectForm):
    platform = "rutube"
    secret_fields = ("password", "token")
    error_fields = {
        "rutube_bad_credentials": "password",
        "rutube_invalid_token": "token",
        "rutube_user_unknown": "token",
    }

    username = forms.CharField(
        label=_("Rutube login"), required=False,
        widget=forms.TextInput(attrs={"autocomplete": "username", "placeholder": "name@mail.ru"}),
        help_text=_("The e-mail or phone you sign in to Rutube with."),
    )
    password = forms.CharField(
        label=_("Password"), required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Used once to get a token from Rutube; autopost never stores it."),
    )
    token = forms.CharField(
        label=_("Rutube API token"), required=False, widget=secret(),
        help_text=_("Instead of the login: works if the channel already has videos."),
    )


class DzenConnectForm(ConnectForm):
    platform = "dzen"
    secret_fields = ("session",)
    error_fields = {
        "dzen_session_expired": "session",
        "dzen_bad_session_format": "session",
        "dzen_no_session_cookie": "session",
        "dzen_csrf_not_found": "session",
        "dzen_forbidden": "channel",
        "dzen_channel_not_found": "channel",
        "dzen_invalid_channel": "channel",
        "dzen_channel_id_required": "channel",
    }

    session = forms.CharField(
        label=_("Studio cookies"),
        widget=SecretTextarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false",
                                     "placeholder": "Session_id=…; sessionid2=…"}),
        help_text=_(
            "The Cookie header of a dzen.ru request, a browser's JSON export, or cookies.txt."
        ),
    )
    channel = forms.CharField(
        label=_("Channel"), widget=forms.TextInput(attrs={"placeholder": "https://dzen.ru/id/…"}),
        help_text=_("The channel link or its publisherId."),
    )


CONNECT_FORMS: dict[str, type[ConnectForm]] = {
    form.platform: form
    for form in (VkTokenConnectForm, RutubeConnectForm, DzenConnectForm, TelegramConnectForm)
}
SECRET_FIELDS = tuple(sorted({n for form in CONNECT_FORMS.values() for n in form.secret_fields}))


def reconnect_initial(connection: PlatformConnection) -> dict[str, str]:
    """What a reconnect form can show again: where it publishes, never a secret."""
    if connection.platform == "telegram":
        username = connection.options.get("chat_username")
        return {"channel": f"@{username}" if username else connection.target_id}
    if connection.platform == "dzen":
        return {"channel": connection.target_id}
    if connection.platform == "vk" and connection.target_id.startswith("-"):
        return {"target_id": connection.target_id}
    return {}
