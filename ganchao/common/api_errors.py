"""The API's error body in Chinese (DESIGN.md 3.7)."""

from django.http import JsonResponse

PYDANTIC_MESSAGES = {
    "missing": "必填",
    "int_parsing": "须为整数",
    "int_type": "须为整数",
    "float_parsing": "须为数字",
    "decimal_parsing": "须为数字",
    "bool_parsing": "须为 true 或 false",
    "string_type": "须为文本",
    "date_from_datetime_parsing": "须为日期（YYYY-MM-DD）",
    "date_parsing": "须为日期（YYYY-MM-DD）",
    "datetime_parsing": "须为 ISO 8601 时间",
    "datetime_from_date_parsing": "须为 ISO 8601 时间",
    "greater_than_equal": "不能小于 {ge}",
    "less_than_equal": "不能大于 {le}",
    "greater_than": "须大于 {gt}",
    "string_too_short": "至少 {min_length} 个字符",
    "string_too_long": "最多 {max_length} 个字符",
    "enum": "取值无效，可选：{expected}",
    "literal_error": "取值无效，可选：{expected}",
    "json_invalid": "请求体不是合法的 JSON",
    "model_attributes_type": "格式无效",
    "dict_type": "须为 JSON 对象",
    "blank_text": "不能只包含空白或不可见字符",
    "less_than": "须小于 {lt}",
    "string_pattern_mismatch": "格式无效（须符合 {pattern}）",
    "list_type": "须为列表",
    "int_from_float": "须为整数",
    "bool_type": "须为 true 或 false",
    "float_type": "须为数字",
    "finite_number": "须为有限的数字",
    "too_long": "最多 {max_length} 项",
    "too_short": "至少 {min_length} 项",
    "date_type": "须为日期（YYYY-MM-DD）",
    "datetime_type": "须为 ISO 8601 时间",
    "uuid_parsing": "须为 UUID",
    "decimal_max_digits": "最多 {max_digits} 位数字",
    "decimal_max_places": "最多 {decimal_places} 位小数",
    "decimal_whole_digits": "整数部分最多 {whole_digits} 位",
    "decimal_type": "须为数字",
    "extra_forbidden": "不允许的字段",
}


def validation_messages(errors) -> list[dict]:
    result = []
    for error in errors:
        loc = [
            str(part)
            for part in error.get("loc", ())
            if part not in ("body", "query", "path", "payload", "form")
        ]
        template = PYDANTIC_MESSAGES.get(error.get("type", ""), "取值无效")
        try:
            message = template.format(**(error.get("ctx") or {}))
        except (KeyError, IndexError):
            message = template
        result.append({"field": ".".join(loc) or "请求", "message": message})
    return result


def error_response(request, status: int, code: str, message: str, errors=None) -> JsonResponse:
    return JsonResponse(
        {"code": code, "message": message, "errors": errors or []},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )
