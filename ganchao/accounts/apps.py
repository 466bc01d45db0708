from django.apps import AppConfig


class Config(AppConfig):
    name = "ganchao.accounts"
    label = "accounts"

    def ready(self):
        from ganchao.accounts import signals  # noqa: F401
