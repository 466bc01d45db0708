from django.apps import AppConfig


class Config(AppConfig):
    name = "ganchao.audit"
    label = "audit"
