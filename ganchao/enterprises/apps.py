from django.apps import AppConfig


class Config(AppConfig):
    name = "ganchao.enterprises"
    label = "enterprises"
    verbose_name = "服务企业"
