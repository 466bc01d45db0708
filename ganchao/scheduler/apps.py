from django.apps import AppConfig


class Config(AppConfig):
    name = "ganchao.scheduler"
    label = "scheduler"

    def ready(self):
        from ganchao.scheduler.scans import register_builtin_scans

        register_builtin_scans()
