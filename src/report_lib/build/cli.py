"""`report-lib`: the command line. Bad input ends in one line on stderr and exit 2,
never a traceback. Heavy modules are imported inside each command, so that a
build with nothing to do starts fast."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from report_lib import language, paths
from report_lib.build import lock
from report_lib.build.engine import DEFAULT as DEFAULT_ENGINE
from report_lib.build.engine import ENGINES
from report_lib.errors import DataError, lines
from report_lib.language import LANGUAGES

EXIT_BAD_INPUT = 2


def _data(args: argparse.Namespace) -> int:
    from report_lib.data import dataset

    with lock.held(Path.cwd() / paths.BUILD_LOCK, "data", args.wait):
        built = dataset.build(dataset.Paths(args.raw, args.reference, args.corrections))
        written = dataset.write(built, args.out)
    figures = built.figures
    print(
        f"data: {len(figures)} figures checked, sources: {figures['source_id'].nunique()}; "
        f"files updated in {args.out}: {len(written)}"
    )
    return 0


def _build(args: argparse.Namespace) -> int:
    from report_lib.build.orchestrate import build
    from report_lib.paths import Layout

    layout = Layout(Path.cwd(), args.out)
    stats: list[dict] | None = [] if args.timings else None
    status = build(
        layout,
        jobs=args.jobs,
        only=args.only or None,
        show_code=args.show_code,
        stats=stats,
        wait_s=args.wait,
        engine=args.engine,
        langs=args.langs,
    )
    if args.timings:
        from report_lib import atomic

        atomic.write_text(args.timings, json.dumps(stats, indent=1) + "\n")
    return status


def _messages(args: argparse.Namespace) -> int:
    from report_lib.build.messages import update

    changed = update(args.notebooks)
    for line in changed:
        print(line)
    print(f"messages: {len(changed)} catalogs updated; fill the empty msgstr of the zh catalogs")
    return 0


def _publish(args: argparse.Namespace) -> int:
    from report_lib.build.publish import publish, rollback
    from report_lib.paths import Layout

    if args.target is None:
        raise DataError(
            "PUBLISH_DIR", "name the folder to publish to: make publish PUBLISH_DIR=..."
        )
    if args.rollback:
        shown = rollback(args.target, args.wait)
        print(f"{args.target} shows {shown.name} again")
        return 0
    shown, files = publish(Layout(Path.cwd(), args.out), args.target, args.wait)
    print(f"published {len(files)} files to {args.target} ({shown.name})")
    return 0


def _bench(args: argparse.Namespace) -> int:
    from report_lib.build import bench

    scales = tuple(int(n) for n in args.scales.split(",")) if args.scales else ()
    results = bench.run(Path.cwd(), args.out, scales)
    print(bench.report(results))
    print(f"written: {args.out / 'bench.json'}")
    return 0


def _bench_data(args: argparse.Namespace) -> int:
    from report_lib.data import bench

    sizes = tuple(int(n) for n in args.megabytes.split(","))
    print(bench.report(bench.run(sizes)))
    return 0


def _doctor(args: argparse.Namespace) -> int:
    from report_lib.build.system import missing_packages

    missing = missing_packages()
    if args.missing:
        print(" ".join(missing))
        return 0
    for package in missing:
        print(f"missing: Debian package '{package}'")
    return 1 if missing else 0


def _wait_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--wait",
        type=float,
        default=lock.DEFAULT_WAIT_S,
        metavar="SECONDS",
        help="how long to wait for another run of this checkout to finish",
    )


def _languages(text: str) -> tuple[str, ...]:
    """'en,zh' or 'en zh' -> ('en', 'zh'): every name a report language, none twice."""
    names = tuple(dict.fromkeys(text.replace(",", " ").split()))
    if not names:
        raise argparse.ArgumentTypeError("no language given")
    try:
        return tuple(language.check(name) for name in names)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="report-lib", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    data = commands.add_parser("data", help="check data/raw and write data/processed")
    data.add_argument("--raw", type=Path, default=paths.RAW, help="folder of sources")
    data.add_argument("--reference", type=Path, default=paths.REFERENCE)
    data.add_argument("--corrections", type=Path, default=paths.CORRECTIONS)
    data.add_argument("--out", type=Path, default=paths.PROCESSED, help="output folder")
    _wait_option(data)
    data.set_defaults(run=_data)
    build = commands.add_parser("build", help="run, render and index every report")
    build.add_argument("--out", type=Path, default=paths.OUTPUTS, help="output folder")
    build.add_argument("--jobs", type=int, default=None, help="reports run at once (cores)")
    build.add_argument("--show-code", action="store_true", help="keep code cells in the HTML")
    build.add_argument(
        "--engine",
        choices=ENGINES,
        default=DEFAULT_ENGINE,
        help="how kernels start: forked by a warm zygote, or the standard kernel launch",
    )
    build.add_argument(
        "--timings", type=Path, metavar="JSON", help="write each report's timings there"
    )
    build.add_argument(
        "--langs",
        type=_languages,
        default=LANGUAGES,
        metavar="LANGS",
        help=f"languages to build, comma-separated (default: {','.join(LANGUAGES)})",
    )
    build.add_argument("only", nargs="*", help="report ids to build (default: all)")
    _wait_option(build)
    build.set_defaults(run=_build)
    publish = commands.add_parser(
        "publish", help="copy index, HTML, PDF and chart tables to a folder, atomically"
    )
    publish.add_argument("target", nargs="?", help="the folder (a link) to publish to")
    publish.add_argument("--out", type=Path, default=paths.OUTPUTS, help="build folder")
    publish.add_argument(
        "--rollback", action="store_true", help="show the previous release again instead"
    )
    _wait_option(publish)
    publish.set_defaults(run=_publish)
    bench = commands.add_parser("bench", help="time the build against the naive baseline")
    bench.add_argument("--out", type=Path, default=paths.OUTPUTS, help="where bench.json goes")
    bench.add_argument("--scales", default="10,100,300", help="report counts for the scale series")
    bench.set_defaults(run=_bench)
    bench_data = commands.add_parser(
        "bench-data", help="time the data step's coverage check on long documents"
    )
    bench_data.add_argument("--megabytes", default="5,50", help="document sizes, in MB")
    bench_data.set_defaults(run=_bench_data)
    messages = commands.add_parser(
        "messages", help="add new interface and prose messages to every catalog, drop unused"
    )
    messages.add_argument("--notebooks", type=Path, default=paths.NOTEBOOKS)
    messages.set_defaults(run=_messages)
    doctor = commands.add_parser("doctor", help="check the browser, poppler, CJK fonts and nginx")
    doctor.add_argument("--missing", action="store_true", help="print missing Debian packages")
    doctor.set_defaults(run=_doctor)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except DataError as exc:
        for line in lines(exc):
            print(f"error: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
