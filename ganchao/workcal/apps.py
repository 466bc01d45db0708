from django.apps import AppConfig
from django.core.signals import request_finished, request_started


def _request_started(**kwargs):
    from ganchao.common import workdays

    workdays.begin_session(fresh=True)


def _request_finished(**kwargs):
    from ganchao.common import workdays

    workdays.end_session()


class Config(AppConfig):
    name = "ganchao.workcal"
    label = "workcal"

    def ready(self):
        from ganchao.common import workdays
        from ganchao.workcal.selectors import DatabaseSource

        workdays.install_source(DatabaseSource())
        # Infrastructure, not a business rule: the calendar is loaded once per request.
        request_started.connect(_request_started, dispatch_uid="workcal_session_start")
        request_finished.connect(_request_finished, dispatch_uid="workcal_session_end")
