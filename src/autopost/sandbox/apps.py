from django.apps import AppConfig


class SandboxConfig(AppConfig):
    """Local emulators of the platforms (a Starlette app run by ``autopost sandbox``); no models."""

    name = "autopost.sandbox"
    label = "sandbox"
