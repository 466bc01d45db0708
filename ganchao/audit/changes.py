"""An audit event's before/after as rows a person reads (字段, 原值, 新值) instead of the stored
JSON: fields by their Chinese names (the models' verbose names, and a few words for the payloads
of imports and the seed), booleans as 是/否, nested dicts as one row per key, lists joined with
、, dates as 2026年3月31日 and large counts grouped. Pure functions apart from the lookup of the
models' field names (cached)."""

import datetime as dt
import re
from functools import lru_cache

from django.apps import apps
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

EMPTY = "—"
PATH_SEPARATOR = " · "
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
ISO_MOMENT_IN_TEXT = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?"
)
CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
DEFAULT_OBJECT_NAME = re.compile(r"^\w+ object \((\d+)\)$")

# Keys of import and seed payloads that are no model field.
PAYLOAD_LABELS = {
    "file": gettext_lazy("文件"),
    "filename": gettext_lazy("文件名"),
    "sha256": gettext_lazy("SHA-256 摘要"),
    "rows": gettext_lazy("行数"),
    "created": gettext_lazy("新增"),
    "updated": gettext_lazy("更新"),
    "unchanged": gettext_lazy("未变"),
    "counts": gettext_lazy("数量"),
    "scale": gettext_lazy("规模"),
    "seed": gettext_lazy("随机种子"),
    "as_of": gettext_lazy("数据基准日"),
    "reset": gettext_lazy("清空重建"),
    "digest": gettext_lazy("单位、领导和账号摘要"),
    "plan_digest": gettext_lazy("计划和进展摘要"),
    "matter_digest": gettext_lazy("督办事项摘要"),
    "assessment_digest": gettext_lazy("考核数据摘要"),
    "role_grants": gettext_lazy("角色授权"),
    "milestones": gettext_lazy("节点安排"),
    "leaders": gettext_lazy("分管市领导"),
    "id": gettext_lazy("编号"),
    "owner": gettext_lazy("编制单位"),
    "year": gettext_lazy("年度"),
    "plan": gettext_lazy("年度计划"),
    "roles": gettext_lazy("角色"),
    "password": gettext_lazy("密码"),
    "reason": gettext_lazy("原因"),
    "count": gettext_lazy("数量"),
    "version": gettext_lazy("版本"),
    # the seed's counts whose key is no model's plural name
    "categories": gettext_lazy("单位类别"),
    "milestone_completions": gettext_lazy("节点完成"),
    "bulletins": gettext_lazy("通报"),
    "talks": gettext_lazy("约谈"),
    "guidance": gettext_lazy("指导事项"),
    "proposals": gettext_lazy("督办建议"),
}
# Values that are codes of a payload key (not of a model's choices).
PAYLOAD_VALUES = {
    "scale": {"town": gettext_lazy("一个镇"), "city": gettext_lazy("一个市"),
              "province": gettext_lazy("一个省")},
}  # fmt: skip


def _plural(model) -> str:
    """ProgressReport → progress_reports, UnitCategory → unit_categories (the seed's counts)."""
    snake = CAMEL.sub("_", model.__name__).lower()
    return snake[:-1] + "ies" if snake.endswith("y") else snake + "s"


@lru_cache(maxsize=1)
def _model_labels() -> dict[str, object]:
    """Field name → verbose name over every model (the first model to use a name wins), and
    plural model names → the model's verbose name plural (for counts)."""
    labels: dict[str, object] = {}
    for model in apps.get_models():
        verbose = model._meta.verbose_name
        if str(verbose) != CAMEL.sub(" ", model.__name__).lower():  # not Django's default
            labels.setdefault(_plural(model), verbose)
        for field in model._meta.get_fields():
            verbose = getattr(field, "verbose_name", None)
            if verbose is None or str(verbose) == field.name.replace("_", " "):
                continue  # a field without a verbose name of its own
            labels.setdefault(field.name, verbose)
    return labels


@lru_cache(maxsize=1)
def _models_by_name() -> dict[str, type]:
    """model_name → model (an event's object type is usually its model's name)."""
    return {model._meta.model_name: model for model in apps.get_models()}


def _model_field(object_type: str, name: str):
    model = _models_by_name().get(object_type or "")
    if model is None:
        return None
    for candidate in (name, name.removesuffix("_id")):
        try:
            return model._meta.get_field(candidate)
        except Exception:  # FieldDoesNotExist: not a field of this model
            continue
    return None


def _value_words(object_type: str, name: str) -> dict:
    """A field's choice codes → their labels (draft → 草稿), from the event's own model."""
    field = _model_field(object_type, name)
    choices = getattr(field, "flatchoices", None) if field is not None else None
    return dict(choices) if choices else PAYLOAD_VALUES.get(name, {})


def field_label(name: str, object_type: str = "") -> str:
    """`measure_unit` → 计量单位, `data_source_unit_id` → 数据来源单位 — by the event's own model
    first, then any model; unknown names as they are."""
    own = _model_field(object_type, name)
    verbose = getattr(own, "verbose_name", None)
    if verbose is not None and str(verbose) != name.replace("_", " "):
        return str(verbose)
    found = PAYLOAD_LABELS.get(name)
    if found is None:
        labels = _model_labels()
        found = labels.get(name) or labels.get(name.removesuffix("_id"))
    return str(found) if found is not None else name


def _date_text(day: dt.date) -> str:
    """2026年3月31日 (the interface's DATE_FORMAT)."""
    return date_format(day, "DATE_FORMAT")


def show(value) -> str:
    """One value as it reads: — for none, 是/否, grouped counts, dates in Chinese."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, int | float):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    if isinstance(value, list | tuple):
        return "、".join(show(v) for v in value)
    text = str(value)
    if ISO_DATE.match(text):
        return _date_text(dt.date.fromisoformat(text))
    if ISO_DATETIME.match(text):
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            return text
        return f"{_date_text(moment.date())} {moment:%H:%M}"
    return text


def reason_text(text: str) -> str:
    """A stored reason as it reads: an ISO moment inside it (定时扫描（时点 2026-12-06T10:25:41.447881
    +08:00）) as 2026年12月6日 10:25:41 in its own offset; the rest as written."""

    def moment(match) -> str:
        try:
            at = dt.datetime.fromisoformat(match.group(0).replace("Z", "+00:00"))
        except ValueError:
            return match.group(0)
        return f"{_date_text(at.date())} {at:%H:%M:%S}"

    return ISO_MOMENT_IN_TEXT.sub(moment, text or "")


def _word(words: dict, value):
    try:
        return words.get(value, value)
    except TypeError:  # a list or dict is no choice code
        return value


def _pair(change) -> tuple[object, object]:
    if isinstance(change, dict) and set(change) == {"before", "after"}:
        return change["before"], change["after"]
    return None, change  # a payload that is not a before/after pair: its value is new


def change_rows(changes, prefix: str = "", object_type: str = "") -> list[dict]:
    """[{"field", "before", "after"}] in the stored order; a dict on either side becomes one
    row per key (数量 · 单位 …), so that no raw JSON reaches the page."""
    if not isinstance(changes, dict):
        return [{"field": prefix or _("内容"), "before": EMPTY, "after": show(changes)}]
    if changes and set(changes) <= {"before", "after"} and prefix == "":
        # the whole object's before and after (e.g. {"after": {...}} of a created record)
        old, new = changes.get("before") or {}, changes.get("after") or {}
        if isinstance(old, dict) and isinstance(new, dict):
            keys = list(dict.fromkeys([*old, *new]))
            pairs = {k: {"before": old.get(k), "after": new.get(k)} for k in keys}
            return change_rows(pairs, object_type=object_type)
    rows = []
    for name, change in changes.items():
        before, after = _pair(change)
        own = field_label(name, "" if prefix else object_type)
        label = f"{prefix}{PATH_SEPARATOR}{own}" if prefix else own
        if isinstance(before, dict) or isinstance(after, dict):
            old = before if isinstance(before, dict) else {}
            new = after if isinstance(after, dict) else {}
            keys = list(dict.fromkeys([*old, *new]))
            nested = {key: {"before": old.get(key), "after": new.get(key)} for key in keys}
            rows.extend(change_rows(nested, label))
        else:
            words = _value_words("" if prefix else object_type, name)
            before, after = _word(words, before), _word(words, after)
            rows.append({"field": label, "before": show(before), "after": show(after)})
    return rows


def object_title(name: str, object_type_label: str, object_id: str) -> str:
    """An object's name for a page title: its recorded name, or — when only a number was
    recorded — its type and number (目标任务（编号 62）), never a bare 62."""
    name = (name or "").strip()
    match = DEFAULT_OBJECT_NAME.match(name)
    if name and name != str(object_id) and not match:
        return name
    return _("%(type)s（编号 %(id)s）") % {"type": object_type_label, "id": object_id}
