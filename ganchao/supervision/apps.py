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
        register_scan(
            "notifications.retry",
            scans.delivery_retry_scan,
            label="消息外发重试",
            order=scans.RETRY_ORDER,
        )
