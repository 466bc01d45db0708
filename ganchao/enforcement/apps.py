from django.apps import AppConfig


class Config(AppConfig):
    name = "ganchao.enforcement"
    label = "enforcement"
    verbose_name = "行政执法"

    def ready(self):
        from ganchao.audit.selectors import register_history_access
        from ganchao.common.errors import NotFound
        from ganchao.enforcement import selectors, services  # noqa: F401  (audit codes)

        def case_history(actor, object_id):
            if not str(object_id).isdigit():
                return False
            try:
                selectors.case_get(actor, int(object_id))
            except NotFound:
                return False
            return True

        register_history_access("enforcementcase", case_history)

        from ganchao.enforcement.escalation import CLOCK_ORDER, clock_scan
        from ganchao.scheduler.scans import register_scan

        register_scan("enforcement.clocks", clock_scan, label="执法时限催办督办", order=CLOCK_ORDER)
