"""Units, categories, leaders and their areas, users with roles and posts.

Units and users are never deleted, only deactivated, so that history keeps its names.
"""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from ganchao.common.crypto import EncryptedCharField
from ganchao.common.models import TimeStamped
from ganchao.orgs.choices import Role, UnitType

PATH_STEP = 10  # zero-padded id width in Unit.path


class UnitCategory(TimeStamped):
    """A group of units ranked against each other (e.g. 乡镇（街道）, 市直部门)."""

    code = models.CharField(_("类别编码"), max_length=64, unique=True)
    name = models.CharField(_("类别名称"), max_length=100, unique=True)
    description = models.TextField(_("说明"), blank=True)
    sort_order = models.IntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("单位类别")

    def __str__(self) -> str:
        return self.name


class Unit(TimeStamped):
    """A node of the unit tree: province, city, department, town, village, grid …

    `code` is the stable key used by sheets, the API and other systems. `path` is the
    materialised path of ids ("/0000000001/0000000007/") so that a subtree is one prefix query.
    """

    code = models.CharField(_("单位编码"), max_length=64, unique=True)
    name = models.CharField(_("单位名称"), max_length=200)
    type = models.CharField(_("单位类型"), max_length=16, choices=UnitType.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    category = models.ForeignKey(
        UnitCategory,
        verbose_name=_("单位类别"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
    )
    aliases = models.JSONField(_("简称"), default=list, blank=True)
    sort_order = models.IntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["path"]
        verbose_name = _("单位")
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="unit_name_unique_among_siblings"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def path_for(parent_path: str, pk: int) -> str:
        return f"{parent_path or '/'}{pk:0{PATH_STEP}d}/"


class Leader(TimeStamped):
    """A city leader (市级领导); may or may not have a user account (User.leader).

    The principal leaders (主要领导: the 市长 and the 市委书记) read the whole city, not only their
    areas (DESIGN.md part 1 "Users")."""

    name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("职务"), max_length=100, blank=True)
    principal = models.BooleanField(
        _("主要领导"),
        default=False,
        help_text=_("市长、市委书记等主要领导可查看全市；其他领导只看分管单位"),
    )
    sort_order = models.IntegerField(_("排序"), default=0)
    active = models.BooleanField(_("在任"), default=True)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("市级领导")

    def __str__(self) -> str:
        return self.name


class LeaderArea(models.Model):
    """A unit a leader is in charge of (分管), from start_date to end_date (open when null)."""

    leader = models.ForeignKey(Leader, on_delete=models.PROTECT, related_name="areas")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="leader_areas")
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        ordering = ["leader", "unit__path"]
        indexes = [models.Index(fields=["unit", "end_date"], name="leaderarea_unit_end_idx")]
        verbose_name = _("分管")

    def __str__(self) -> str:
        return f"{self.leader} → {self.unit}"


class UserQuerySet(models.QuerySet):
    def delete(self):
        raise PermissionError("用户不能删除，只能停用")


class GanchaoUserManager(UserManager.from_queryset(UserQuerySet)):
    def get_by_natural_key(self, username):
        """Login and lookups by username ignore case (LEGAL_RULES C1)."""
        return self.get(username__iexact=username)


class User(AbstractUser):
    """A staff account. Belongs to one unit (never the root for office or leader accounts)."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = EncryptedCharField(_("联系电话"), max_length=30, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("所在单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    leader = models.OneToOneField(
        Leader,
        verbose_name=_("对应市级领导"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="user",
    )
    must_change_password = models.BooleanField(_("下次登录须修改密码"), default=True)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    password_policy_exempt = models.BooleanField(_("演示账号（免强制改密）"), default=False)
    version = models.PositiveIntegerField(default=1)

    objects = GanchaoUserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("用户")
        constraints = [
            # Usernames are unique whatever their case (LEGAL_RULES C1): "Zhang" is "zhang".
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def delete(self, *args, **kwargs):
        raise PermissionError("用户不能删除，只能停用")


class RoleGrant(models.Model):
    """A role held by a user."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="role_grants")
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="rolegrant_unique")]
        verbose_name = _("角色")

    def __str__(self) -> str:
        return f"{self.user} {self.get_role_display()}"


class Post(models.Model):
    """A further post (兼职) of a user in another unit, widening their scope to its subtree."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="posts")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="posts")
    title = models.CharField(_("职务"), max_length=100, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="post_unique")]
        verbose_name = _("兼职")

    def __str__(self) -> str:
        return f"{self.user} @ {self.unit}"
