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
}


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
        labels.setdefault(_plural(model), model._meta.verbose_name)
        for field in model._meta.get_fields():
            verbose = getattr(field, "verbose_name", None)
            if verbose is None or str(verbose) == field.name.replace("_", " "):
                continue  # a field without a verbose name of its own
            labels.setdefault(field.name, verbose)
    return labels


def field_label(name: str) -> str:
    """`measure_unit` → 计量单位, `data_source_unit_id` → 数据来源单位; unknown names as they are."""
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


def _pair(change) -> tuple[object, object]:
    if isinstance(change, dict) and set(change) == {"before", "after"}:
        return change["before"], change["after"]
    return None, change  # a payload that is not a before/after pair: its value is new


def change_rows(changes, prefix: str = "") -> list[dict]:
    """[{"field", "before", "after"}] in the stored order; a dict on either side becomes one
    row per key (数量 · 单位 …), so that no raw JSON reaches the page."""
    if not isinstance(changes, dict):
        return [{"field": prefix or _("内容"), "before": EMPTY, "after": show(changes)}]
    rows = []
    for name, change in changes.items():
        before, after = _pair(change)
        label = f"{prefix}{PATH_SEPARATOR}{field_label(name)}" if prefix else field_label(name)
        if isinstance(before, dict) or isinstance(after, dict):
            old = before if isinstance(before, dict) else {}
            new = after if isinstance(after, dict) else {}
            keys = list(dict.fromkeys([*old, *new]))
            nested = {key: {"before": old.get(key), "after": new.get(key)} for key in keys}
            rows.extend(change_rows(nested, label))
        else:
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
