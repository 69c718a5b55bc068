"""What changed in a report since the previous build, from the fingerprints and input
checksums the manifest records: kept in the report's manifest entry and shown on the
index, so a reader sees which reports are new and why the others were rebuilt."""

from __future__ import annotations

from typing import Any

from report_lib.build.fingerprint import PACKAGE_LABEL, Keys

NEW = "new"
DATA = "data"
NOTEBOOK = "notebook"
CODE = "code"
LAYOUT = "layout"
FAILED = "failed"
KINDS = (NEW, DATA, NOTEBOOK, CODE, LAYOUT, FAILED)  # in the order the index names them

_RENDER = f"{PACKAGE_LABEL}/render/"


def _kind(label: str, notebook: str) -> str:
    if label == notebook:
        return NOTEBOOK
    if label.startswith("data/"):
        return DATA
    if label.startswith(_RENDER):
        return LAYOUT
    return CODE  # the package's other code, the pinned versions


def changes(
    before: dict[str, Any] | None, keys: Keys, notebook: str, parameters: dict[str, Any]
) -> list[str]:
    """Kinds of change from the entry `before` (None: a new report) to a build with `keys`:
    [] when the report comes out of the same inputs (an output was only missing)."""
    if not before:
        return [NEW]
    if before.get("fingerprint") == keys.full:
        return []
    old = before.get("inputs") if isinstance(before.get("inputs"), dict) else {}
    changed = {k for k in old.keys() | keys.inputs.keys() if old.get(k) != keys.inputs.get(k)}
    found = {_kind(label, notebook) for label in changed}
    if before.get("parameters") != parameters:
        found.add(NOTEBOOK)  # the same notebook asked another question
    return [kind for kind in KINDS if kind in found] or [LAYOUT]  # title, summary, options


def settle(
    entry: dict[str, Any], built: bool, failed: bool, unsettled: bool = False
) -> dict[str, Any]:
    """The entry as the finished build records it: one it did not rebuild is unchanged
    since the previous build, or marked failed when its update failed. One a killed
    build rebuilt (`unsettled`) keeps its changes: the previous build that ended had
    not seen them."""
    if built or (unsettled and not failed):
        return entry
    return {**entry, "changes": [FAILED] if failed else []}


def merged(earlier: object, later: list[str]) -> list[str]:
    """The changes of a report a killed build had rebuilt (`earlier`, from its manifest)
    and that this build rebuilds again: both stand against the last build that ended."""
    kept = {k for k in earlier if isinstance(k, str)} if isinstance(earlier, list) else set()
    return [kind for kind in KINDS if kind in (kept | set(later)) - {FAILED}]
