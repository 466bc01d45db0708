from django.apps import AppConfig


class Config(AppConfig):
    name = "ganchao.projects"
    label = "projects"
    verbose_name = "重点项目"
