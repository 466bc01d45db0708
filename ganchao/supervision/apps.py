from django.apps import AppConfig


class Config(AppConfig):
    name = "ganchao.supervision"
    label = "supervision"
