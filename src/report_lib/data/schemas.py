"""JSON Schemas of the hand-written YAML files: a source's origin.yml and the report
list. Ids follow `report_lib.ids` (one home for the pattern)."""

from __future__ import annotations

from typing import Any

from report_lib import ids

ID = {
    "type": "string",
    "pattern": f"^{ids.PATTERN.pattern}$",
    "maxLength": ids.MAX_LENGTH,
    "description": f"a valid id ({ids.RULE})",
}
CODE = {
    "type": "string",
    "pattern": "^[a-z0-9][a-z0-9_-]*$",
    "maxLength": 64,
    "description": "a code (lowercase letters, digits, '_' and '-')",
}
DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "description": "a date (YYYY-MM-DD)"}
TEXT = {"type": "string", "minLength": 1}
# A document's file name: one name of its folder, no separators, no '..', no hidden file.
FILE_NAME = {
    "type": "string",
    "pattern": r"^[^/\\.\x00][^/\\\x00]*$",
    "maxLength": 255,
    "description": "a file name of the source folder (no folders, no leading dot)",
}
SHA256 = {
    "type": "string",
    "pattern": "^[0-9a-f]{64}$",
    "description": "a SHA-256 (64 lowercase hex digits)",
}

ORIGIN: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "id",
        "title",
        "publisher",
        "title_zh",
        "publisher_zh",
        "outlet_language",
        "event",
        "date",
        "scope",
        "speakers",
        "address",
        "date_accessed",
        "files",
        "transcription_notes",
        "translation_notes",
        "period_note",
    ],
    "properties": {
        "id": ID,
        "title": TEXT,
        "publisher": TEXT,
        "title_zh": {**TEXT, "description": "the title in Chinese, for the Chinese reports"},
        "publisher_zh": {**TEXT, "description": "the publisher's Chinese name"},
        "outlet_language": {**CODE, "description": "a language code (en, zh)"},
        "event": TEXT,
        "date": DATE,
        "scope": CODE,
        "speakers": {"type": "array", "items": TEXT},
        "address": TEXT,
        "date_accessed": DATE,
        "files": {
            "type": "array",
            "minItems": 1,
            "maxItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "sha256", "description"],
                "properties": {"name": FILE_NAME, "sha256": SHA256, "description": TEXT},
            },
        },
        "transcription_notes": {"type": "string"},
        "translation_notes": {"type": "string"},
        "period_note": {"type": "string"},
    },
}

PARAMETER_VALUE = {"type": ["string", "integer", "number", "boolean"]}
# title_zh and summary_zh: the Chinese of title and summary (a rule's with `{name_zh}` …).
_REPORT_TEXT = {
    "title": TEXT,
    "summary": TEXT,
    "title_zh": TEXT,
    "summary_zh": TEXT,
    "notebook": FILE_NAME,
}

REPORTS: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["reports"],
    "properties": {
        "groups": {"type": "array", "items": TEXT, "uniqueItems": True},
        "reports": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "notebook", "title", "summary", "parameters"],
                "properties": {
                    "id": ID,
                    **_REPORT_TEXT,
                    "group": TEXT,
                    "parameters": {"type": "object", "additionalProperties": PARAMETER_VALUE},
                },
            },
        },
        "rules": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["for_each", "id", "notebook", "title", "summary", "group"],
                "properties": {
                    "for_each": {"enum": ["crime", "release", "crime_over_time"]},
                    "id": {"type": "string", "pattern": r"^[a-z0-9{}_-]+$"},
                    **_REPORT_TEXT,
                    "group": TEXT,
                },
            },
        },
    },
}
