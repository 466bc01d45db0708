from django.apps import AppConfig


class Config(AppConfig):
    name = "ganchao.problems"
    label = "problems"
    verbose_name = "问题台账"

    def ready(self):
        from ganchao.audit.selectors import register_history_access
        from ganchao.common.errors import NotFound
        from ganchao.common.views import query_int
        from ganchao.problems import selectors, services  # noqa: F401  (audit codes)

        def problem_history(actor, object_id):
            pk = query_int(object_id)
            if pk is None:
                return False
            try:
                selectors.problem_get(actor, pk)
            except NotFound:
                return False
            return True

        register_history_access("problem", problem_history)

        from ganchao.problems.escalation import ESCALATION_ORDER, overdue_scan
        from ganchao.scheduler.scans import register_scan

        register_scan(
            "problems.overdue", overdue_scan, label="问题整改逾期催办督办", order=ESCALATION_ORDER
        )
