from django.apps import AppConfig


class Config(AppConfig):
    name = "ganchao.web"
    label = "web"
