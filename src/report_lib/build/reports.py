"""The list of reports (notebooks/reports.yml) and the check of each report's
parameters against its notebook, before anything runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from report_lib import ids
from report_lib.data.sources import ROLES
from report_lib.errors import DataError

REPORT_KEYS = ("id", "notebook", "title", "summary", "parameters")
# Filled in by the build for every notebook that declares them; not report parameters.
PATH_PARAMETERS = ("processed_dir", "reference_dir", "raw_dir", "corrections_path", "tables_dir")
TYPES = {"str": str, "int": int, "float": (int, float), "bool": bool}
# A parameter with one of these names must be a code of that reference table.
CODE_PARAMETERS = {"crime": "crimes", "case": "cases"}


@dataclass(frozen=True)
class Report:
    id: str
    notebook: Path
    title: str
    summary: str
    parameters: dict[str, Any] = field(default_factory=dict)
    roles: tuple[str, ...] = ("primary",)


def load_reports(path: Path) -> list[Report]:
    """Read the report list; each entry has a valid, unique id (it becomes file names
    and links), text for its title and summary, and a notebook of the list's folder."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise DataError(path, f"cannot read the report list ({type(exc).__name__})") from None
    entries = document.get("reports") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not entries:
        raise DataError(path, "expected a non-empty list under 'reports'", field="reports")
    reports, seen = [], set()
    for number, entry in enumerate(entries, 1):
        report = _report(path, entry, f"report {number}")
        if report.id in seen:
            raise DataError(path, f"report {number}: duplicate id '{report.id}'", field="id")
        seen.add(report.id)
        reports.append(report)
    return reports


def _report(path: Path, entry: object, where: str) -> Report:
    """One entry of the list, every field checked before it is used."""
    if not isinstance(entry, dict):
        raise DataError(path, f"{where} is not a mapping")
    for key in REPORT_KEYS:
        if key not in entry:
            raise DataError(path, f"{where}: missing '{key}'", field=key)
    report_id = ids.check(entry["id"], path, "id", where=where)
    for key in ("title", "summary", "notebook"):
        if not isinstance(entry[key], str) or not entry[key].strip():
            raise DataError(path, f"{where}: '{key}' must be non-empty text", field=key)
    name = entry["notebook"]
    if Path(name).name != name or not name.endswith(".ipynb"):
        raise DataError(
            path, f"{where}: notebook must name a .ipynb file of {path.parent}", field="notebook"
        )
    notebook = path.parent / name
    if not notebook.is_file():
        raise DataError(path, f"{where}: no notebook {notebook}", field="notebook")
    if not isinstance(entry["parameters"], dict):
        raise DataError(path, f"{where}: parameters must be a mapping", field="parameters")
    roles = entry.get("roles", ["primary"])
    if not isinstance(roles, list) or not roles or not all(r in ROLES for r in roles):
        raise DataError(path, f"{where}: roles must be a list of {', '.join(ROLES)}", field="roles")
    return Report(
        report_id, notebook, entry["title"], entry["summary"], entry["parameters"], tuple(roles)
    )


def check_parameters(
    path: Path, report: Report, declared: dict[str, dict[str, Any]], codes: dict[str, set[str]]
) -> None:
    """Refuse what papermill would only warn about: unknown names, wrong types, bad codes."""
    for name, value in report.parameters.items():
        where = f"report {report.id}: parameter '{name}'"
        if name not in declared or name in PATH_PARAMETERS:
            known = ", ".join(n for n in declared if n not in PATH_PARAMETERS) or "none"
            raise DataError(
                path,
                f"{where} is not declared by {report.notebook.name} (it declares: {known})",
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
                field="parameters",
            )
        if name in CODE_PARAMETERS and value not in codes[CODE_PARAMETERS[name]]:
            raise DataError(path, f"{where}: unknown {name} code '{value}'", field="parameters")
