"""The message catalogs kept in step with the code: which messages each domain uses, and
`report-lib messages`, which adds new ones to every language's catalog (empty, for a
translator to fill) and drops those no longer used.

Where a message comes from decides its domain (report_lib.language.DOMAINS):
- shell: `_("…")` in the page templates, render/ and the index builder;
- charts: `_("…")` in report/charts.py;
- report: `_("…")` in the other modules of report/, and every markdown cell of the
  notebooks (its whole text is one message: a translator sees the paragraph at once)."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_python
from babel.messages.pofile import write_po

from report_lib import atomic, language
from report_lib.paths import BUILD_TEMPLATES, PACKAGE, RENDER_TEMPLATES

KEYWORDS = {"_": None, "N_": None}
_TEMPLATE_CALL = re.compile(r"""\b_\(\s*(["'])(.+?)\1""", re.DOTALL)
# A markdown cell with this tag is never shown, so it is not translated.
HIDDEN = "remove-cell"


def _python(path: Path) -> Iterator[str]:
    with path.open("rb") as file:
        for _line, _function, message, _comments in extract_python(file, KEYWORDS, [], {}):
            # With values after the message (`_("Built {date}", date=d)`) Babel gives a tuple.
            first = message[0] if isinstance(message, tuple) else message
            if isinstance(first, str):
                yield first


def markdown_cells(notebook: Path) -> Iterator[str]:
    """The shown markdown cells of a notebook, each as one message."""
    for cell in _cells(notebook):
        if cell["cell_type"] == "markdown" and HIDDEN not in cell["metadata"].get("tags", []):
            yield cell_text(cell["source"])


def _cells(notebook: Path) -> list[dict]:
    """A notebook's cells; a file that is not a notebook is bad input, in one line."""
    from report_lib.errors import DataError

    try:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            if not isinstance(cell.get("cell_type"), str) or not isinstance(
                cell.get("metadata"), dict
            ):
                raise TypeError("a cell without its type or metadata")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        message = f"not a notebook: {exc}".splitlines()[0]
        raise DataError(notebook, message) from None
    return cells


def cell_text(source: str | list[str]) -> str:
    """A cell's source as its message id: joined, without trailing whitespace."""
    return ("".join(source) if isinstance(source, list) else source).rstrip()


def translated(notebook: Path, lang: str) -> str:
    """The notebook with each shown markdown cell in `lang`, from the `report` catalog, as
    the text of an .ipynb; the code cells are untouched (they read `lang` as a parameter).
    A cell whose text the catalog lacks is bad input: one line naming notebook and cell."""
    from report_lib.errors import DataError

    cells = _cells(notebook)
    document = {**json.loads(notebook.read_text(encoding="utf-8")), "cells": cells}
    if lang == language.DEFAULT:
        return json.dumps(document, ensure_ascii=False)
    _ = language.gettext(lang, "report")
    for number, cell in enumerate(document["cells"]):
        if cell["cell_type"] != "markdown" or HIDDEN in cell["metadata"].get("tags", []):
            continue
        try:
            cell["source"] = _(cell_text(cell["source"]))
        except language.MissingMessage:
            where = language.catalog_path(lang, "report").relative_to(language.LOCALE.parent)
            raise DataError(
                notebook,
                f"markdown cell {number + 1} is not translated in {where}: run "
                "`report-lib messages` and fill its msgstr",
                field=str(cell.get("id", number + 1)),
            ) from None
    return json.dumps(document, ensure_ascii=False)


def used(notebooks: Path) -> dict[str, set[str]]:
    """Domain -> every message the code, templates and notebooks ask for."""
    report = PACKAGE / "report"
    found: dict[str, set[str]] = {domain: set() for domain in language.DOMAINS}
    for template in [*RENDER_TEMPLATES.rglob("*.j2"), *BUILD_TEMPLATES.rglob("*.j2")]:
        found["shell"].update(m.group(2) for m in _TEMPLATE_CALL.finditer(template.read_text()))
    for module in (PACKAGE / "build" / "index.py", *sorted((PACKAGE / "render").glob("*.py"))):
        found["shell"].update(_python(module))
    found["charts"].update(_python(report / "charts.py"))
    for module in sorted(report.glob("*.py")):
        if module.name != "charts.py":
            found["report"].update(_python(module))
    for notebook in sorted(notebooks.glob("*.ipynb")):
        found["report"].update(markdown_cells(notebook))
    return found


def update(notebooks: Path) -> list[str]:
    """Rewrite every catalog to hold exactly the messages in use, keeping translations.
    Returns one line per catalog changed."""
    changed = []
    for domain, ids in used(notebooks).items():
        for lang in language.LANGUAGES:
            path = language.catalog_path(lang, domain)
            old = language.messages(lang, domain) if path.exists() else {}
            catalog = Catalog(locale=language.locale(lang), domain=domain)
            catalog.project, catalog.version = "report-lib", ""
            for message in sorted(ids):
                keep = old.get(message, "")
                catalog.add(message, "" if lang == language.DEFAULT else keep)
            buffer = io.BytesIO()
            write_po(buffer, catalog, width=0, omit_header=False, sort_output=True)
            text = buffer.getvalue().decode("utf-8")
            text = re.sub(r'"POT-Creation-Date: [^"]*\\n"\n', "", text)
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                atomic.write_text(path, text)
                added, dropped = len(ids - set(old)), len(set(old) - ids)
                changed.append(f"{path.relative_to(language.LOCALE.parent)}: +{added} -{dropped}")
    # The catalogs read before the rewrite are stale now, for the rest of this process too.
    language.catalog.cache_clear()
    language.messages.cache_clear()
    return changed
