"""Each 服务企业 page action and its API twin (web/tests/test_api_twins)."""

_S = "ganchao.enterprises.services."
_E = "/api/v1/enterprises"
_A = "/api/v1/appeals"

PAGE_API_TWINS = {
    "enterprises:new": ("POST", _E, _S + "enterprise_create"),
    "enterprises:commissioner_assign": (
        "POST",
        _E + "/{enterprise_id}/commissioners",
        _S + "commissioner_assign",
    ),
    "enterprises:commissioner_end": (
        "POST",
        _E + "/{enterprise_id}/commissioners/{assignment_id}/end",
        _S + "commissioner_end",
    ),
    "enterprises:visit_record": ("POST", _E + "/{enterprise_id}/visits", _S + "visit_record"),
    "enterprises:appeal_receive": ("POST", _A, _S + "appeal_receive"),
    "enterprises:appeal_acknowledge": (
        "POST",
        _A + "/{appeal_id}/acknowledge",
        _S + "appeal_acknowledge",
    ),
    "enterprises:appeal_plan": ("POST", _A + "/{appeal_id}/plan", _S + "appeal_plan"),
    "enterprises:appeal_resolve": ("POST", _A + "/{appeal_id}/resolve", _S + "appeal_resolve"),
    "enterprises:appeal_close": ("POST", _A + "/{appeal_id}/close", _S + "appeal_close"),
    "enterprises:appeal_to_problem": (
        "POST",
        _A + "/{appeal_id}/problem",
        _S + "appeal_to_problem",
    ),
    "enterprises:rating_link": (
        "POST",
        _A + "/{appeal_id}/rating-link",
        _S + "rating_link_issue",
    ),
    "enterprises:settings": ("PATCH", "/api/v1/enterprise-settings", _S + "settings_update"),
    "enterprises:rate": ("POST", "/api/v1/enterprise-ratings/{token}", _S + "appeal_rate"),
}
