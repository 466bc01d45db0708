from django.apps import AppConfig


class Config(AppConfig):
    name = "ganchao.accounts"
    label = "accounts"

    def ready(self):
        from ganchao.accounts import signals  # noqa: F401
        from ganchao.accounts.throttle import address_failures_scan
        from ganchao.scheduler.scans import register_scan

        register_scan(
            "accounts.address_failures", address_failures_scan, label="清理地址登录失败记录"
        )
        # 三员分立 (LEGAL_RULES C5): the audit actions of the reset approvals, and the stale scan.
        from ganchao.accounts import reset_approval  # noqa: F401
        from ganchao.accounts.stale import STALE_ORDER, stale_accounts_scan
        from ganchao.scheduler.scans import register_scan

        register_scan(
            "accounts.stale", stale_accounts_scan, label="停用长期未登录账号", order=STALE_ORDER
        )
