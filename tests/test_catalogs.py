"""The message catalogs: every message the code, templates and notebooks use is in every
language's catalog, none is missing or unused, Chinese leaves none untranslated and keeps
every placeholder; a message not in a catalog is refused, never shown in English."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from report_lib import language
from report_lib.build import messages
from report_lib.paths import NOTEBOOKS

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = re.compile(r"{\w*}")


@pytest.fixture(scope="module")
def used() -> dict[str, set[str]]:
    return messages.used(ROOT / NOTEBOOKS)


@pytest.mark.parametrize("lang", language.LANGUAGES)
@pytest.mark.parametrize("domain", language.DOMAINS)
def test_catalog_holds_exactly_the_messages_in_use(used, lang, domain):
    catalog = set(language.messages(lang, domain))
    assert used[domain] - catalog == set(), f"missing: run `report-lib messages` ({lang})"
    assert catalog - used[domain] == set(), f"unused: run `report-lib messages` ({lang})"


@pytest.mark.parametrize("domain", language.DOMAINS)
def test_every_chinese_message_is_translated_with_its_placeholders(domain):
    for message, text in language.messages("zh", domain).items():
        assert text, f"untranslated in {domain}: {message!r}"
        assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(message)), message


def test_the_shell_and_the_notebooks_have_messages(used):
    assert len(used["shell"]) > 20
    assert len(used["report"]) > 20


def test_a_message_not_in_the_catalog_is_refused():
    for lang in language.LANGUAGES:
        with pytest.raises(language.MissingMessage, match="missing from"):
            language.gettext(lang, "shell")("Not a message")


@pytest.mark.parametrize("bad", ["xx", "EN", "zh-Hans", "", None, "../en"])
def test_unknown_languages_are_refused(bad):
    with pytest.raises(ValueError, match="unknown language"):
        language.check(bad)


def test_update_adds_new_messages_empty_and_drops_unused(tmp_path, monkeypatch):
    locale = tmp_path / "locale"
    shutil.copytree(language.LOCALE, locale)
    monkeypatch.setattr(language, "LOCALE", locale)
    language.catalog.cache_clear()
    language.messages.cache_clear()
    notebooks = tmp_path / "notebooks"
    shutil.copytree(ROOT / NOTEBOOKS, notebooks)
    notebook = notebooks / "release.ipynb"
    notebook.write_text(notebook.read_text().replace("## Its figures", "## Its new figures"))
    try:
        changed = messages.update(notebooks)
        assert any("zh/LC_MESSAGES/report.po: +1 -1" in line for line in changed), changed
        zh = language.messages("zh", "report")
        assert zh["## Its new figures"] == ""
        assert "## Its figures" not in zh
        assert messages.update(notebooks) == []  # a second run changes nothing
    finally:
        language.catalog.cache_clear()
        language.messages.cache_clear()


@pytest.mark.parametrize("text", ["{", '{"cells": 3}', '{"cells": [{"cell_type": "markdown"}]}'])
def test_a_file_that_is_no_notebook_is_one_line_naming_it(tmp_path, text):
    from report_lib.errors import DataError

    (tmp_path / "bad.ipynb").write_text(text)
    with pytest.raises(DataError, match=r"bad\.ipynb") as caught:
        messages.used(tmp_path)
    assert "\n" not in str(caught.value) and "not a notebook" in str(caught.value)
