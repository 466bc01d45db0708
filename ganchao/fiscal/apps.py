from django.apps import AppConfig


class Config(AppConfig):
    name = "ganchao.fiscal"
    label = "fiscal"
    verbose_name = "量力而行"
