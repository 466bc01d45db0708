from django.db import transaction

from ganchao.accounts.services import token_create
from ganchao.common.command import CommandFailed, GanchaoCommand
from ganchao.orgs.models import User


class Command(GanchaoCommand):
    help = "接口令牌：ganchao token create USERNAME 为用户生成新令牌并输出"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="create")
        create = sub.add_parser("create", help="为用户生成新的接口令牌")
        create.add_argument("username")
        create.add_argument("--name", default="命令行创建")

    def handle(self, *args, **options):
        user = User.objects.select_related("unit").filter(username=options["username"]).first()
        if user is None:
            raise CommandFailed(f"用户“{options['username']}”不存在")
        if not user.is_active:
            raise CommandFailed(f"用户“{options['username']}”已停用")
        with transaction.atomic():
            _token, key = token_create(actor=None, user=user, name=options["name"])
        self.stdout.write(key)
