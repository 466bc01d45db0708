"""Password history, API tokens (stored hashed, shown once, expiring, revocable), the security
policy, administrator password-reset approvals and the per-address failure counter."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PasswordHistory(models.Model):
    """A past password hash of a user, so that the last five cannot be reused."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="password_history"
    )
    password = models.CharField(max_length=256)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d}"


class ApiToken(models.Model):
    """A bearer token for the REST API; only its SHA-256 is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens"
    )
    name = models.CharField(_("名称"), max_length=100, blank=True)
    prefix = models.CharField(_("前缀"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True)
    revoked_reason = models.CharField(_("吊销原因"), max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.prefix}…"


# Staff who decide, review or administer need a second factor by default (LEGAL_RULES C4).
DEFAULT_MFA_ROLES = (
    "office",
    "leader",
    "legality_reviewer",
    "system_admin",
    "security_admin",
    "auditor",
)


def default_mfa_roles() -> list[str]:
    return list(DEFAULT_MFA_ROLES)


class SecurityPolicy(models.Model):
    """The local security parameters (LEGAL_RULES section 4), one row, set by the security
    administrator. Changes are audited; a value below a legal floor is refused."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    stale_account_days = models.PositiveIntegerField(
        _("长期未登录停用天数"),
        default=90,
        help_text=_("超过该天数未登录的账号由定时任务自动停用"),
    )
    token_days = models.PositiveIntegerField(
        _("接口令牌有效天数"), default=30, help_text=_("新建接口令牌的有效期")
    )
    mfa_roles = models.JSONField(
        _("须启用双因素认证的角色"),
        default=default_mfa_roles,
        blank=True,
        help_text=_("持有这些角色之一的账号登录网页和申请接口令牌时，须输入动态验证码"),
    )
    address_failure_limit = models.PositiveIntegerField(
        _("同一地址登录失败上限"),
        default=30,
        help_text=_("同一来源地址在统计时段内登录失败达到该次数后，暂停该地址的登录"),
    )
    address_window_minutes = models.PositiveIntegerField(_("地址失败统计时段（分钟）"), default=15)
    log_retention_days = models.PositiveIntegerField(
        _("日志保留天数"),
        default=183,
        help_text=_("法定最少六个月；设得更短时仍按六个月保留"),
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("安全策略")

    def __str__(self) -> str:
        return str(_("安全策略"))

    @classmethod
    def current(cls) -> "SecurityPolicy":
        policy = cls.objects.filter(pk=1).first()
        return policy if policy is not None else cls(pk=1)


class PasswordResetRequest(models.Model):
    """A reset of an administrator's password, which needs a second administrator's approval
    (三员分立, LEGAL_RULES C5). The temporary password is kept only as a hash until approved."""

    class State(models.TextChoices):
        PENDING = "pending", _("待批准")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reset_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    password = models.CharField(max_length=256)
    reason = models.TextField(_("原因"))
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("管理员密码重置申请")

    def __str__(self) -> str:
        return f"{self.user_id} {self.state}"


class AddressFailure(models.Model):
    """A failed login or token request from one source address, counted for the per-address
    rate limit (the lockout itself is per username: a city sits behind one proxy)."""

    address = models.CharField(max_length=45)
    username = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["address", "at"], name="addressfailure_addr_at_idx")]

    def __str__(self) -> str:
        return f"{self.address} {self.at:%Y-%m-%d %H:%M}"
