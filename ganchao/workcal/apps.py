from django.apps import AppConfig


class Config(AppConfig):
    name = "ganchao.workcal"
    label = "workcal"
