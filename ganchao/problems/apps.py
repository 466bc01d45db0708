from django.apps import AppConfig


class Config(AppConfig):
    name = "ganchao.problems"
    label = "problems"
    verbose_name = "问题台账"
