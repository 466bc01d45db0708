from django.apps import AppConfig


class Config(AppConfig):
    name = "ganchao.demodata"
    label = "demodata"
