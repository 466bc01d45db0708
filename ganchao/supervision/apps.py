from django.apps import AppConfig


class Config(AppConfig):
    name = "ganchao.supervision"
    label = "supervision"

    def ready(self):
        from ganchao.scheduler.scans import register_scan
        from ganchao.supervision import scans

        register_scan(
            "goals.status",
            scans.status_and_alerts_scan,
            label="红黄绿灯与提醒催办",
            order=scans.STATUS_ORDER,
        )
        from ganchao.supervision import matter_scans

        register_scan(
            "supervision.matters",
            matter_scans.matter_alerts_scan,
            label="督办事项提醒催办",
            order=matter_scans.MATTER_ORDER,
        )
        register_scan(
            "notifications.retry",
            scans.delivery_retry_scan,
            label="消息外发重试",
            order=scans.RETRY_ORDER,
        )
        from ganchao.ladder.escalation import LADDER_ORDER, ladder_scan

        register_scan("ladder.escalate", ladder_scan, label="督办、通报、约谈", order=LADDER_ORDER)
