from django.apps import AppConfig


class Config(AppConfig):
    name = "ganchao.decisions"
    label = "decisions"
    verbose_name = "重大行政决策"

    def ready(self):
        from ganchao.decisions import services  # noqa: F401  (registers the audit codes)
