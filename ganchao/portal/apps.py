from django.apps import AppConfig


class Config(AppConfig):
    name = "ganchao.portal"
    label = "portal"
    verbose_name = "政务公开门户"
