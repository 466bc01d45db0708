from django.apps import AppConfig


class Config(AppConfig):
    name = "ganchao.notifications"
    label = "notifications"
