from django.apps import AppConfig


class Config(AppConfig):
    name = "ganchao.ladder"
    label = "ladder"
    verbose_name = "督办、通报、约谈"
