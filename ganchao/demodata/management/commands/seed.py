import time

from django.utils import timezone

from ganchao.common.command import SHANGHAI, GanchaoCommand, UsageError, parse_moment
from ganchao.demodata.console import seed_summary
from ganchao.demodata.generator import SCALES
from ganchao.demodata.services import demo_seed


class Command(GanchaoCommand):
    help = (
        "生成演示数据：ganchao seed --scale town|city|province [--seed N] [--as-of DATE] "
        "[--reset]。同样的规模、种子和基准日总是生成同样的数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", help="规模：town（一个镇）、city（一个市）、province（一个省）"
        )
        parser.add_argument("--seed", default="1", help="随机种子（整数，默认 1）")
        parser.add_argument("--as-of", dest="as_of", help="基准日（ISO 8601，默认今天）")
        parser.add_argument(
            "--reset", action="store_true", help="先清空业务数据（含审计日志）再生成"
        )

    def handle(self, *args, **options):
        scale, seed = options["scale"], options["seed"]
        if scale not in SCALES:
            raise UsageError(
                "请用 --scale 指定规模：town（一个镇）、city（一个市）或 province（一个省）"
            )
        try:
            seed = int(seed)
        except (TypeError, ValueError) as exc:
            raise UsageError(f"--seed “{seed}”不是整数") from exc
        as_of = (
            parse_moment(options["as_of"]).astimezone(SHANGHAI).date()
            if options["as_of"]
            else timezone.localdate()
        )
        started = time.perf_counter()
        result = demo_seed(scale=scale, seed=seed, as_of=as_of, reset=options["reset"])
        for line in seed_summary(result, time.perf_counter() - started):
            self.stdout.write(line)
