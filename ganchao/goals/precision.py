"""An indicator's display precision (小数位数): how many decimal places its values show on pages,
in sheets and in bulletins. One rule for every figure: set on the item, else 0 for a counting
unit (个, 家, 起, 人 …: "4.67个" is not a number anyone counts), else 2. Pure functions."""

from ganchao.common import numbers

DEFAULT_PLACES = 2
MAX_PLACES = 4  # the stored values keep 4 decimals
# Units of measure that count whole things; a figure in them shows no decimals unless set.
COUNTING_WORDS = "个 家 起 人 项 次 户 座 所 件 名 位 套 台 辆 条 处 栋 间 张 份 场 批 只 头 宗 例 篇 支 把 艘 架"
COUNTING_UNITS = frozenset(
    COUNTING_WORDS.split() + ["人次", "户次", "家次", "个次", "件次", "场次"]
)


def may_be_negative(name: str, measure_unit: str) -> bool:
    """Whether a reported value may be below zero: not a count of whole things (人、起、个 …:
    no unit has −3 deaths), unless the indicator counts a net change (净增 …)."""
    unit = (measure_unit or "").strip()
    return unit not in COUNTING_UNITS or "净" in (name or "")


def default_places(measure_unit: str) -> int:
    """0 for a counting unit (with an optional 万/千/百 in front it is no longer one), else 2."""
    unit = (measure_unit or "").strip()
    return 0 if unit in COUNTING_UNITS else DEFAULT_PLACES


def display_places(decimal_places: int | None, measure_unit: str) -> int:
    """The item's own setting when there is one, else the default of its unit of measure."""
    if decimal_places is not None:
        return int(decimal_places)
    return default_places(measure_unit)


def figure(value, places: int) -> str:
    """A value as the page, sheet and bulletin show it: rounded half up to `places`, always
    that many decimals, thousands grouped (330.3 亿元 → 330.30, 136 万亩 → 136.00 at 2 places;
    4.67 个 → 5 at 0); "" for no number."""
    number = numbers.finite(value)
    if number is None:
        return ""
    return f"{numbers.rounded(number, places):,.{places}f}"


def figure_with_unit(value, places: int, measure_unit: str) -> str:
    """ "12,000 人", "330.30 亿元"; "" for no number."""
    text = figure(value, places)
    if not text or not measure_unit:
        return text
    return f"{text}{measure_unit}" if measure_unit == "%" else f"{text} {measure_unit}"


def figure_pair(expected, actual, places: int) -> tuple[str, str]:
    """序时 and 实际 side by side: both to `places` — unless rounding would make a lagging value
    look met (序时 2.34 个 and 实际 2 个 both "2", 0.83 起 and 1 起 both "1", on a row marked
    严重滞后): then both to two places, trailing zeros dropped ("2.34" / "2")."""
    shown = figure(expected, places), figure(actual, places)
    number_e, number_a = numbers.finite(expected), numbers.finite(actual)
    if number_e is None or number_a is None or shown[0] != shown[1] or number_e == number_a:
        return shown
    finer = numbers.plain(number_e, places=2), numbers.plain(number_a, places=2)
    return finer if finer[0] != finer[1] else shown
