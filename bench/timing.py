"""In-process timing on a busy machine: every variant measured in the same run, interleaved.

Each round runs every variant ``per_round`` times, in alternating order, so that a burst of
load from other processes falls on all of them; the figure is the median over all calls.
"""

import time
from collections.abc import Callable
from typing import Any

from .common import median


def interleaved(
    variants: dict[str, Callable[[int], Any]],
    *,
    rounds: int = 5,
    per_round: int = 200,
    warmup: int = 20,
) -> dict[str, dict]:
    """``{name: {"median_us", "p90_us", "calls"}}``; each callable gets a running call number."""
    for function in variants.values():
        for call in range(warmup):
            function(call)
    samples: dict[str, list[int]] = {name: [] for name in variants}
    for round_number in range(rounds):
        names = list(variants) if round_number % 2 == 0 else list(reversed(variants))
        for name in names:
            function, times = variants[name], samples[name]
            for index in range(per_round):
                started = time.perf_counter_ns()
                function(round_number * per_round + index)
                times.append(time.perf_counter_ns() - started)
    return {
        name: {
            "median_us": median(times) / 1000,
            "p90_us": sorted(times)[int(len(times) * 0.9)] / 1000,
            "calls": len(times),
        }
        for name, times in samples.items()
    }


def table(results: dict[str, dict], baseline: str | None = None) -> str:
    lines = [
        "| variant | median µs | p90 µs |" + (" × baseline |" if baseline else ""),
        "|---|---:|---:|" + ("---:|" if baseline else ""),
    ]
    base = results[baseline]["median_us"] if baseline else None
    for name, figures in results.items():
        line = f"| {name} | {figures['median_us']:,.0f} | {figures['p90_us']:,.0f} |"
        if base:
            line += f" {figures['median_us'] / base:.2f} |"
        lines.append(line)
    return "\n".join(lines)
