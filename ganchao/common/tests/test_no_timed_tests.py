"""No test asserts how long something took: a loaded CI machine made one such test fail a
clean run. Timings belong in the benchmarks (`bench/run`), which print them."""

import re
from pathlib import Path

import ganchao

CLOCKS = re.compile(r"\b(time\.(perf_counter|monotonic|time|process_time)(_ns)?\(|timeit\b)")


def test_no_test_reads_the_wall_clock():
    root = Path(ganchao.__file__).parent
    offenders = []
    for path in root.rglob("test*.py"):
        if path.name == Path(__file__).name:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if CLOCKS.search(line):
                offenders.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert offenders == []
