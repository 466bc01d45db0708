"""Builders for the visits tests."""

import datetime as dt

from ganchao.visits import services
from ganchao.visits.choices import PlaceKind


def record_visit(city, actor=None, unit=None, day="2026-03-10", **fields):
    actor = actor or city.office
    defaults = {
        "leader": city.leader,
        "unit": unit or city.village_a,
        "place_kind": PlaceKind.VILLAGE,
        "place_name": "李庄村村委会",
        "visited_on": dt.date.fromisoformat(day),
        "purpose": "人居环境整治督导",
        "findings": [{"description": "垃圾清运不及时", "severity": "serious", "unit": None}],
        "guidance": ["介绍邻村第三方保洁做法"],
        "demands": ["月底前完成清运", "建立长效机制"],
    }
    defaults.update(fields)
    return services.visit_create(actor=actor, **defaults)
