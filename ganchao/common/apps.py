from django.apps import AppConfig


class Config(AppConfig):
    name = "ganchao.common"
    label = "common"
