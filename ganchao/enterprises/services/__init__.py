"""The writes of 服务企业 (STYLE.md: one transaction, audited, permission checked)."""

from ganchao.enterprises.services.appeals import (
    appeal_acknowledge,
    appeal_close,
    appeal_plan,
    appeal_rate,
    appeal_receive,
    appeal_resolve,
    appeal_to_problem,
    link_refusal,
    rating_link_find,
    rating_link_issue,
    settings_update,
)
from ganchao.enterprises.services.enterprises import (
    commissioner_assign,
    commissioner_end,
    enterprise_create,
    enterprise_update,
    visit_record,
)

__all__ = [
    "appeal_acknowledge",
    "appeal_close",
    "appeal_plan",
    "appeal_rate",
    "appeal_receive",
    "appeal_resolve",
    "appeal_to_problem",
    "commissioner_assign",
    "commissioner_end",
    "enterprise_create",
    "enterprise_update",
    "link_refusal",
    "rating_link_find",
    "rating_link_issue",
    "settings_update",
    "visit_record",
]
