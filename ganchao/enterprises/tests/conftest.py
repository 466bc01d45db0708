"""服务企业 fixtures: the small city of ganchao/conftest.py plus two commissioners of 西湖镇, the
statistics bureau's liaison as an owner unit's staff, and enterprises with real credit codes."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from ganchao.conftest import City, make_user
from ganchao.enterprises import services
from ganchao.enterprises.choices import AppealCategory, Channel, Scale, Sector
from ganchao.orgs.choices import Role

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Real published codes (checked by GB 32100-2015): 福州 (check 3), 腾讯 (check G), 华为 (6).
CODES = ["91350100M000100Y43", "9144030071526726XG", "914403001922038216"]


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def valid_code(n: int) -> str:
    """A distinct valid credit code for the n-th generated enterprise."""
    from ganchao.enterprises.creditcode import check_character, org_check_character

    org = f"{n:08d}"
    body = "91320100" + org + org_check_character(org)
    return body + check_character(body)


class EnterpriseCity(City):
    def __init__(self):
        super().__init__()
        self.commissioner = make_user("commissioner_a", self.town_a, Role.COMMISSIONER)
        self.commissioner.full_name = "陈专员"
        self.commissioner.save(update_fields=["full_name"])
        self.commissioner_b = make_user("commissioner_b", self.town_b, Role.COMMISSIONER)
        self.stats_liaison = make_user("stats_liaison", self.stats, Role.LIAISON)
        self.enterprise = self.make_enterprise("赶超精密机械有限公司", CODES[0])
        with transaction.atomic():
            services.commissioner_assign(
                actor=self.office,
                enterprise=self.enterprise,
                user=self.commissioner,
                start_on=dt.date(2026, 1, 1),
            )

    def make_enterprise(self, name, code, town=None, **extra):
        fields = {
            "sector": Sector.MANUFACTURING,
            "scale": Scale.MEDIUM,
            "address": "西湖镇工业园1号",
            "contact": "王经理",
            "phone": "0000-1234567",
        }
        fields.update(extra)
        return services.enterprise_create(
            actor=self.office, name=name, credit_code=code, town=town or self.town_a, **fields
        )

    def receive(self, received_at=None, enterprise=None, actor=None, **extra):
        fields = {
            "title": "厂区用电增容",
            "content": "新生产线投产需增容至2000千伏安",
            "category": AppealCategory.UTILITY,
            "channel": Channel.COMMISSIONER,
            "owner_unit": self.stats,
        }
        fields.update(extra)
        return services.appeal_receive(
            actor=actor or self.commissioner,
            enterprise=enterprise or self.enterprise,
            received_at=received_at,
            **fields,
        )


@pytest.fixture
def ecity(db):
    return EnterpriseCity()
