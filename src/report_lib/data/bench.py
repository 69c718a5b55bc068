"""How the data step's coverage check scales with the document: a synthetic document of
each size (numbers every few words, a few hundred exclusions) checked once, timed. The
benchmark prints the time per megabyte, which stays flat when the check is linear."""

from __future__ import annotations

import time
from pathlib import Path

from report_lib.data.checks import coverage
from report_lib.data.sources import Row, Source
from report_lib.errors import Collector

FILLER = "The procurators heard the matter and set out the law that governs it. "
SENTENCE = "In 2021 the office approved 12 arrests and heard 345 cases over 6 months. "
EXCLUSIONS = 500  # rows of excluded.csv: each once cost a scan of the whole document


def _source(megabytes: int) -> Source:
    """A long document of plain text with EXCLUSIONS numbered sentences, each excluded."""
    gap = FILLER * (megabytes * 1_000_000 // EXCLUSIONS // len(FILLER))
    document = (gap + SENTENCE) * EXCLUSIONS
    block = len(gap) + len(SENTENCE)
    exclusions = [
        Row(
            Path("excluded.csv"),
            n + 2,
            {"text": SENTENCE.strip(), "start": str(n * block + len(gap)), "reason": "sample"},
        )
        for n in range(EXCLUSIONS)
    ]
    return Source(
        id="bench",
        folder=Path("bench"),
        origin={"scope": "all"},
        date=None,  # type: ignore[arg-type]
        document_path=Path("bench.txt"),
        document=document,
        figures=[],
        exclusions=exclusions,
        lines={},
    )


def coverage_seconds(megabytes: int) -> float:
    """Seconds for one coverage check of a synthetic document of this size."""
    source = _source(megabytes)
    errors = Collector()
    started = time.perf_counter()
    coverage(source, [], errors)
    elapsed = time.perf_counter() - started
    if errors.errors:
        raise RuntimeError(f"benchmark document did not check: {errors.errors[0]}")
    return elapsed


def run(sizes: tuple[int, ...] = (5, 50)) -> list[dict[str, float]]:
    return [
        {"megabytes": mb, "seconds": (s := coverage_seconds(mb)), "seconds_per_mb": s / mb}
        for mb in sizes
    ]


def report(results: list[dict[str, float]]) -> str:
    first = results[0]["seconds_per_mb"]
    lines = ["coverage check (one pass over the document):"]
    for r in results:
        lines.append(
            f"  {r['megabytes']:>4} MB: {r['seconds']:6.2f} s, {r['seconds_per_mb']:.3f} s/MB "
            f"({r['seconds_per_mb'] / first:.2f}x the smallest's time per MB)"
        )
    return "\n".join(lines)
