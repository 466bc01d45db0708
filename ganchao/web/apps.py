from django.apps import AppConfig


class Config(AppConfig):
    name = "ganchao.web"
    label = "web"

    def ready(self):
        # The backup module registers its audit actions (so the audit log names them).
        from ganchao.web import backup  # noqa: F401
