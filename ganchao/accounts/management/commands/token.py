from django.db import transaction
from django.utils import timezone

from ganchao.accounts.services import token_create
from ganchao.common.command import CommandFailed, GanchaoCommand
from ganchao.orgs.models import User


class Command(GanchaoCommand):
    help = (
        "接口令牌：ganchao token create USERNAME 为用户生成新令牌并输出（按安全策略的有效天数到期）"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="create")
        create = sub.add_parser("create", help="为用户生成新的接口令牌")
        create.add_argument("username")
        create.add_argument("--name", default="命令行创建")

    def handle(self, *args, **options):
        user = (
            User.objects.select_related("unit")
            .filter(username__iexact=options["username"].strip())
            .first()
        )
        if user is None:
            raise CommandFailed(f"用户“{options['username']}”不存在")
        if not user.is_active:
            raise CommandFailed(f"用户“{options['username']}”已停用")
        with transaction.atomic():
            token, key = token_create(actor=None, user=user, name=options["name"])
        self.stdout.write(key)
        expires = timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M")
        self.stderr.write(f"令牌“{token.name}”有效期至 {expires}；同名的旧令牌已被吊销替换。")
