"""The list of reports (notebooks/reports.yml): reports written out, and rules the build
expands from the data (a profile for every crime with figures, a summary for every
release, an over-time report for every crime reported by two releases or more); then
the check of each report's parameters against its notebook, before anything runs.

Kept light: read on every build, even one with nothing to do, so the data is read with
the csv module."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from report_lib import ids, language, paths
from report_lib.errors import DataError

# Filled in by the build for every notebook that declares them; not report parameters.
PATH_PARAMETERS = ("processed_dir", "reference_dir", "raw_dir", "corrections_path", "tables_dir")
LANG_PARAMETER = "lang"  # the report's language: one report per language of the build
BUILD_PARAMETERS = (*PATH_PARAMETERS, LANG_PARAMETER)
TYPES = {"str": str, "int": int, "float": (int, float), "bool": bool}
# A parameter with one of these names must be a code of that reference table.
CODE_PARAMETERS = {"crime": "crimes", "case": "cases", "source": "sources"}
DEFAULT_GROUP = "Reports"
_FIELD = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Report:
    """One report in one language; `title`, `summary` and `group` are in that language."""

    id: str
    notebook: Path
    title: str
    summary: str
    parameters: dict[str, Any] = field(default_factory=dict)
    group: str = DEFAULT_GROUP
    lang: str = language.DEFAULT
    row: int | None = field(default=None, compare=False)  # its entry's (or rule's) line

    @property
    def key(self) -> str:
        """What names its files and its manifest entry: 'overview', 'overview.zh'."""
        return f"{self.id}{language.suffix(self.lang)}"


def _texts(entry: dict[str, Any], values: dict[str, str] | None = None) -> dict[str, dict]:
    """Language -> the title and summary of a list entry or rule (`title`, `title_zh`…)."""
    fill = (lambda text: _fill(text, values)) if values is not None else (lambda text: text)
    return {
        lang: {
            "title": fill(entry["title" + _column(lang)]),
            "summary": fill(entry["summary" + _column(lang)]),
        }
        for lang in language.LANGUAGES
    }


def _column(lang: str) -> str:
    """The suffix of a YAML key or CSV column in `lang`: 'title', 'title_zh'."""
    return "" if lang == language.DEFAULT else f"_{lang}"


@dataclass(frozen=True)
class Data:
    """What the rules expand over, read from the processed dataset and the reference."""

    crimes: dict[str, dict[str, str]]  # crime code -> its reference row, with figures
    sources: dict[str, dict[str, str]]  # source id -> its row of sources.csv
    releases_of: dict[str, set[str]]  # crime code -> the sources with figures for it


def _rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    except OSError:
        raise DataError(path, "missing; run `make data` first") from None


def read_data(processed: Path, reference: Path) -> Data:
    crimes = {row["code"]: row for row in _rows(reference / "crimes.csv")}
    figures = _rows(processed / "figures.csv")
    releases_of: dict[str, set[str]] = {}
    for row in figures:
        if row["crime"]:
            releases_of.setdefault(row["crime"], set()).add(row["source_id"])
    sources = {row["source_id"]: row for row in _rows(processed / "sources.csv")}
    return Data({c: crimes[c] for c in crimes if c in releases_of}, sources, releases_of)


def _fill(template: str, values: dict[str, str]) -> str:
    """`{name}` replaced by a value of the data; nothing else of Python's format syntax."""
    return _FIELD.sub(
        lambda m: values[m.group(1)] if m.group(1) in values else m.group(0), template
    )


def _subjects(rule: dict[str, Any], data: Data) -> Iterable[tuple[dict[str, str], dict]]:
    """(template values, notebook parameters) for each subject of a rule."""
    kind = rule["for_each"]
    if kind == "release":
        for source_id, row in sorted(data.sources.items()):
            values = {**row, "source": source_id, "slug": source_id}
            yield values, {"source": source_id}
        return
    for code, row in data.crimes.items():
        if kind == "crime_over_time" and len(data.releases_of[code]) < 2:
            continue
        yield {**row, "crime": code, "slug": code.replace("_", "-")}, {"crime": code}


def expand(
    path: Path, rules: list[dict[str, Any]], data: Data, lines: dict[tuple, int]
) -> list[tuple]:
    """(id, notebook, texts by language, parameters, rule, line) of every report the rules
    make; `lines`: the list's line numbers, for errors."""
    reports: list[tuple] = []
    for number, rule in enumerate(rules):
        row = lines.get(("rules", number, "id"))
        for values, parameters in _subjects(rule, data):
            report_id = _fill(rule["id"], values)
            ids.check(report_id, path, "id", row=row, where=f"rule {number + 1} made")
            made = (report_id, rule["notebook"], _texts(rule, values), parameters, rule, row)
            reports.append(made)
    return reports


def load_reports(
    path: Path, processed: Path | None = None, reference: Path | None = None
) -> list[Report]:
    """The reports of the list, then those its rules expand to, each in every language;
    every id unique, every notebook a file of the list's folder. The data defaults to the
    checkout's."""
    from report_lib.data import schemas, yamlfile

    document, lines = yamlfile.load(path, schemas.REPORTS)
    root = path.parent.parent
    made = [
        (
            entry["id"],
            entry["notebook"],
            _texts(entry),
            entry["parameters"],
            entry,
            lines.get(("reports", number, "id")),
        )
        for number, entry in enumerate(document["reports"])
    ]
    rules = document.get("rules", [])
    if rules:
        data = read_data(processed or root / paths.PROCESSED, reference or root / paths.REFERENCE)
        made += expand(path, rules, data, lines)
    groups = {group["en"]: group for group in document.get("groups", [])}
    order = {name: i for i, name in enumerate(groups)}
    made.sort(key=lambda m: order.get(m[4].get("group", DEFAULT_GROUP), len(order)))  # stable
    listed = [
        Report(
            report_id,
            path.parent / notebook,
            texts[lang]["title"],
            texts[lang]["summary"],
            parameters,
            _group(groups, entry.get("group", DEFAULT_GROUP), lang),
            lang,
            row,
        )
        for lang in language.LANGUAGES
        for report_id, notebook, texts, parameters, entry, row in made
    ]
    if not listed:
        raise DataError(
            path, "no reports: list some under 'reports' or add 'rules'", field="reports"
        )
    seen: set[str] = set()
    for report in listed[: len(made)]:
        if report.id in seen:
            raise DataError(path, f"duplicate report id '{report.id}'", row=report.row, field="id")
        seen.add(report.id)
        if not report.notebook.is_file():
            raise DataError(
                path,
                f"report {report.id}: no notebook {report.notebook}",
                row=report.row,
                field="notebook",
            )
    return listed


def _group(groups: dict[str, dict[str, str]], name: str, lang: str) -> str:
    """A group's heading in `lang`; a group not under `groups` keeps its one name."""
    return groups.get(name, {}).get(lang, name)


def parameter_codes(reference: Path, raw: Path) -> dict[str, set[str]]:
    """The codes a report parameter may name: crimes and cases, and source folders."""
    from report_lib.data.reference import load_reference

    ref = load_reference(reference)
    from report_lib.data.sources import TOOL_FOLDERS

    folders = raw.iterdir() if raw.is_dir() else ()
    sources = {p.name for p in folders if p.is_dir() and p.name not in TOOL_FOLDERS}
    return {"crimes": set(ref.crimes.rows), "cases": set(ref.cases.rows), "sources": sources}


def check_parameters(
    path: Path, report: Report, declared: dict[str, dict[str, Any]], codes: dict[str, set[str]]
) -> None:
    """Refuse what papermill would only warn about: unknown names, wrong types, bad codes."""
    for name, value in report.parameters.items():
        where = f"report {report.id}: parameter '{name}'"
        if name not in declared or name in BUILD_PARAMETERS:
            known = ", ".join(n for n in declared if n not in BUILD_PARAMETERS) or "none"
            raise DataError(
                path,
                f"{where} is not declared by {report.notebook.name} (it declares: {known})",
                row=report.row,
                field="parameters",
            )
        expected = TYPES.get(declared[name].get("inferred_type_name") or "")
        if expected and (
            not isinstance(value, expected) or isinstance(value, bool) != (expected is bool)
        ):
            raise DataError(
                path,
                f"{where} must be {declared[name]['inferred_type_name']}, "
                f"got {type(value).__name__} {value!r}",
                row=report.row,
                field="parameters",
            )
        table = CODE_PARAMETERS.get(name)
        if table and table in codes and value not in codes[table]:
            raise DataError(
                path, f"{where}: unknown {name} code '{value}'", row=report.row, field="parameters"
            )
