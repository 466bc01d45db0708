from django.apps import AppConfig


class Config(AppConfig):
    name = "ganchao.goals"
    label = "goals"
