"""The rows bench/run prints: a figure, its floor measured in the same run, their ratio, the
target and whether it is met; written as a table and as JSON.

Kinds of figure:
- "rps": an endpoint's throughput (requests per second, higher is better); the ratio is
  measured / floor and the target a minimum ratio (the endpoint keeps ≥ 50 % of a bare view
  returning the same rows), plus latency limits (p50/p99 in ms) where the issue sets them.
- "seconds": a duration (lower is better); the ratio is measured / floor and the target a
  maximum ratio and/or a maximum duration; "mb" limits a peak memory beside it.
- "mib": a memory figure (lower is better); the target a maximum.
- "info": a text without target (the rows of bench/replica.py).
"""

import json
from dataclasses import asdict, dataclass, field


@dataclass
class Target:
    min_ratio: float | None = None  # rps: measured / floor at least this
    max_ratio: float | None = None  # seconds: measured / floor at most this
    max_value: float | None = None  # seconds or MiB at most this
    max_p50_ms: float | None = None
    max_p99_ms: float | None = None
    max_peak_mb: float | None = None
    note: str = ""  # a target not measured here (e.g. against Redmine)

    def text(self, unit: str = "") -> str:
        parts = []
        if self.min_ratio is not None:
            parts.append(f"≥{self.min_ratio:.0%} of floor")
        if self.max_ratio is not None:
            parts.append(f"≤{self.max_ratio:g}× floor")
        if self.max_value is not None:
            parts.append(f"≤{self.max_value:g}{' ' + unit if unit else ''}")
        if self.max_p50_ms is not None:
            parts.append(f"p50≤{self.max_p50_ms:g}ms")
        if self.max_p99_ms is not None:
            parts.append(f"p99≤{self.max_p99_ms:g}ms")
        if self.max_peak_mb is not None:
            parts.append(f"peak≤{self.max_peak_mb:g}MB")
        if self.note:
            parts.append(self.note)
        return ", ".join(parts) or "—"


@dataclass
class Row:
    key: str
    what: str
    kind: str  # "rps", "seconds", "mib"
    measured: float | None = None
    floor: float | None = None
    target: Target = field(default_factory=Target)
    extra: dict = field(default_factory=dict)  # p50_ms, p99_ms, peak_mb, errors, notes…
    error: str = ""  # why the row could not be measured

    @property
    def ratio(self) -> float | None:
        if self.measured is None or not self.floor:
            return None
        return self.measured / self.floor

    def failures(self) -> list[str]:
        """The parts of the target this row misses (empty when met)."""
        t, missed = self.target, []
        if self.error or self.measured is None:
            return ["not measured"]
        ratio = self.ratio
        if t.min_ratio is not None and (ratio is None or ratio < t.min_ratio):
            missed.append("ratio")
        if t.max_ratio is not None and (ratio is None or ratio > t.max_ratio):
            missed.append("ratio")
        if t.max_value is not None and self.measured > t.max_value:
            missed.append("value")
        answered = self.extra.get("requests") != 0
        for name, limit in (("p50_ms", t.max_p50_ms), ("p99_ms", t.max_p99_ms)):
            value = self.extra.get(name) if answered else None
            if limit is not None and (value is None or value > limit):
                missed.append(name.removesuffix("_ms"))
        peak = self.extra.get("peak_mb")
        if t.max_peak_mb is not None and (peak is None or peak > t.max_peak_mb):
            missed.append("peak")
        if self.extra.get("non200") or self.extra.get("errors") or self.extra.get("timeouts"):
            missed.append("errors")
        return missed

    @property
    def met(self) -> bool | None:
        """True/False against the target; None when the row has no target."""
        t = self.target
        limits = (t.min_ratio, t.max_ratio, t.max_value, t.max_p50_ms, t.max_p99_ms, t.max_peak_mb)
        if all(limit is None for limit in limits):
            return None if not self.error else False
        return not self.failures()

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "what": self.what,
            "kind": self.kind,
            "measured": self.measured,
            "floor": self.floor,
            "ratio": self.ratio,
            "target": asdict(self.target),
            "target_text": self.target.text(UNITS[self.kind]),
            "met": self.met,
            "missed": self.failures() if self.met is False else [],
            "error": self.error,
            **{k: v for k, v in self.extra.items() if k not in ("key", "what")},
        }


UNITS = {"rps": "req/s", "seconds": "s", "mib": "MiB", "info": ""}


def figure(value: float | None, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "rps":
        return f"{value:.1f} req/s" if value < 100 else f"{value:.0f} req/s"
    return f"{value:.2f} {UNITS[kind]}" if value < 100 else f"{value:.0f} {UNITS[kind]}"


def detail(row: Row) -> str:
    """Latency, peak memory and error counts after the measured figure."""
    parts = []
    e = row.extra
    if e.get("requests") == 0 and e.get("first_request_ms") is not None:
        parts.append(f"no answer within the run; one request alone {e['first_request_ms']}ms")
    answered = e.get("requests") != 0  # wrk prints 0 percentiles when nothing came back
    if e.get("p50_ms") is not None and answered:
        parts.append(f"p50 {e['p50_ms']:.0f}ms")
    if e.get("p99_ms") is not None and answered:
        parts.append(f"p99 {e['p99_ms']:.0f}ms")
    if e.get("alone_p50_ms") is not None and answered:
        parts.append(f"alone p50 {e['alone_p50_ms']:.0f}ms")
    if e.get("peak_mb") is not None:
        parts.append(f"peak {e['peak_mb']:.0f}MB")
    for name in ("non200", "errors", "timeouts"):
        if e.get(name):
            parts.append(f"{name} {e[name]}")
    return f" ({', '.join(parts)})" if parts else ""


def floor_detail(row: Row) -> str:
    """The floor's own latency after its figure: what the same SQL without the app reaches."""
    e = row.extra
    parts = [
        f"{label} {e[name]:.0f}ms"
        for name, label in (
            ("floor_p50_ms", "p50"), ("floor_p99_ms", "p99"), ("floor_alone_p50_ms", "alone p50")
        )
        if e.get(name) is not None and e.get("floor_requests") != 0
    ]  # fmt: skip
    return f" ({', '.join(parts)})" if parts else ""


def table(rows: list[Row]) -> str:
    """The table bench/run prints: what | measured | floor | ratio | target | met?"""
    header = ("what", "measured", "floor", "ratio", "target", "met?")
    lines = []
    for row in rows:
        ratio = row.ratio
        met = {True: "yes", False: "NO", None: "—"}[row.met]
        if row.met is False and row.failures() != ["not measured"]:
            met += f" ({', '.join(dict.fromkeys(row.failures()))})"
        if row.kind == "info":
            measured = row.error or str(row.extra.get("text", ""))
        else:
            measured = row.error or figure(row.measured, row.kind) + detail(row)
        lines.append(
            (
                row.what,
                measured,
                figure(row.floor, row.kind) + (floor_detail(row) if row.floor else ""),
                "—"
                if ratio is None
                else (f"{ratio:.0%}" if row.kind == "rps" else f"{ratio:.2f}×"),
                row.target.text(UNITS[row.kind]),
                met,
            )
        )
    widths = [max(len(str(line[i])) for line in [header, *lines]) for i in range(len(header))]
    out = [" | ".join(str(h).ljust(w) for h, w in zip(header, widths, strict=True))]
    out.append("-|-".join("-" * w for w in widths))
    for line in lines:
        out.append(" | ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)))
    return "\n".join(out)


def document(rows: list[Row], **context) -> dict:
    """The JSON document: the run's context (database, load averages, ANALYZE…) and the rows."""
    return {**context, "rows": [row.as_dict() for row in rows]}


def write_json(path, rows: list[Row], **context) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(document(rows, **context), handle, ensure_ascii=False, indent=1, default=str)
        handle.write("\n")
