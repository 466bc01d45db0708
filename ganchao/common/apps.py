from django.apps import AppConfig


class Config(AppConfig):
    name = "ganchao.common"
    label = "common"

    def ready(self):
        from ganchao.common import security_log
        from ganchao.common.logfiles import log_retention_scan
        from ganchao.common.refusals import refusal_summary_scan
        from ganchao.scheduler.scans import register_scan

        security_log.connect()

        register_scan("common.refusals", refusal_summary_scan, label="汇总拒绝访问记录")
        register_scan("common.log_retention", log_retention_scan, label="清理过期日志")
