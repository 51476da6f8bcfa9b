from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "autopost.accounts"
    label = "accounts"
    verbose_name = "Аккаунты"
