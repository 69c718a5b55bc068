"""YAML read strictly and checked against a JSON Schema: a repeated key is an error (a
second `scope:` must not silently win), dates stay text until checked as real dates,
and every defect names the file, the line and the key."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from report_lib.data.csvfile import control_character, read_text
from report_lib.errors import DataError, DataErrors

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_TEXT = 20_000


class _Loader(yaml.SafeLoader):
    """Safe YAML without timestamps (a date is text until `real_date` checks it)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _lines(node: yaml.Node, path: tuple = ()) -> dict[tuple, int]:
    """The line of every key and item, by its path; refuses a key given twice."""
    lines = {path: node.start_mark.line + 1}
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in seen:
                raise _Duplicate(key, line, seen[key], path)
            seen[key] = line
            lines |= _lines(value_node, (*path, key))
            lines[(*path, key)] = line
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines |= _lines(item, (*path, index))
    return lines


class _Duplicate(Exception):
    def __init__(self, key: str, line: int, first: int, path: tuple) -> None:
        self.key, self.line, self.first, self.path = key, line, first, path


def field_name(path: tuple | list) -> str:
    """`files[0].sha256` for ('files', 0, 'sha256')."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


def _texts(value: Any, path: tuple = ()) -> list[tuple[tuple, str]]:
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in _texts(v, (*path, k))]
    if isinstance(value, list):
        return [t for i, v in enumerate(value) for t in _texts(v, (*path, i))]
    return []


def load(path: Path, schema: dict[str, Any]) -> tuple[Any, dict[tuple, int]]:
    """The document and the line of each of its paths, or every schema error at once."""
    text = read_text(path)
    try:
        node = yaml.compose(text, Loader=_Loader)
        lines = _lines(node) if node is not None else {}
        document = yaml.load(text, Loader=_Loader)
    except _Duplicate as dup:
        raise DataError(
            path,
            f"key '{dup.key}' given twice (first on line {dup.first})",
            row=dup.line,
            field=field_name((*dup.path, dup.key)),
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "syntax error"
        raise DataError(
            path, f"not valid YAML: {problem}", row=None if mark is None else mark.line + 1
        ) from None
    errors = []
    validator = jsonschema.Draft202012Validator(schema)
    for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.path))):
        where = tuple(error.path)
        errors.append(
            DataError(
                path, _message(error), row=_line(lines, where), field=field_name(where) or None
            )
        )
    for where, value in _texts(document):
        if len(value) > MAX_TEXT:
            message = f"{len(value):,} characters; at most {MAX_TEXT:,}"
        elif found := control_character(value):
            message = f"control character U+{ord(found.group()):04X} is not allowed"
        else:
            continue
        errors.append(DataError(path, message, row=_line(lines, where), field=field_name(where)))
    if errors:
        raise DataErrors(errors) if len(errors) > 1 else errors[0]
    return document, lines


def _line(lines: dict[tuple, int], path: tuple) -> int | None:
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path)


def _message(error: jsonschema.ValidationError) -> str:
    """One line, without the whole offending value (it may be huge)."""
    shown = repr(error.instance)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"missing key '{missing}'"
    if error.validator == "additionalProperties":
        known = set(error.schema.get("properties", {}))
        unknown = sorted(str(k) for k in error.instance if k not in known)
        return f"unknown key '{unknown[0]}' (known: {', '.join(sorted(known))})"
    if error.validator == "type":
        return f"{shown} must be {_types(error.validator_value)}"
    if error.validator == "pattern" and error.schema.get("description"):
        return f"{shown} is not {error.schema['description']}"
    return f"{shown}: {error.message.split(chr(10))[0][:160]}"


def _types(expected: str | list[str]) -> str:
    names = {
        "string": "text",
        "integer": "a whole number",
        "array": "a list",
        "object": "a mapping",
    }
    expected = [expected] if isinstance(expected, str) else expected
    return " or ".join(names.get(t, t) for t in expected)


def real_date(path: Path, text: str, field: str, row: int | None = None) -> dt.date:
    """A YYYY-MM-DD that names a day of the calendar (no 2022-02-30, no time of day)."""
    if DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise DataError(path, f"'{text}' is not a real date (YYYY-MM-DD)", row=row, field=field)
