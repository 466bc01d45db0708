from django.apps import AppConfig


class Config(AppConfig):
    name = "ganchao.enterprises"
    label = "enterprises"
    verbose_name = "服务企业"

    def ready(self):
        from ganchao.enterprises import services  # noqa: F401  (audit codes)
        from ganchao.enterprises.escalation import SCAN_ORDER, escalate_scan
        from ganchao.scheduler.scans import register_scan

        register_scan(
            "enterprises.escalate",
            escalate_scan,
            label="未解决的企业诉求转入问题台账",
            order=SCAN_ORDER,
        )
