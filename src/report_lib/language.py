"""The report languages and their message catalogs: one home for which languages exist,
how each is tagged and formatted, and where its translations live.

Catalogs are gettext `.po` files in `report_lib/locale/<lang>/LC_MESSAGES/<domain>.po`,
read with Babel, so a translator edits them with any PO editor and no code. One domain
per role: `shell` (the page around a report), `report` (headings, labels and prose parts
of the notebooks), `charts` (chart titles, axes, keys). English is the message id; the
English catalog lists every id with an empty translation, so both catalogs name the same
messages. A message missing from a catalog, or untranslated in Chinese, is an error at
the moment it is asked for: a Chinese page never falls back to English silently."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from report_lib.paths import LOCALE

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

DEFAULT = "en"
# Report language -> BCP 47 tag (<html lang>, the PDF's /Lang) and Babel locale.
TAGS: dict[str, str] = {"en": "en", "zh": "zh-Hans"}
LOCALES: dict[str, str] = {"en": "en", "zh": "zh_Hans_CN"}
# Each language's name in itself, for the switch to it.
NAMES: dict[str, str] = {"en": "English", "zh": "中文"}
LANGUAGES: tuple[str, ...] = tuple(TAGS)
# The punctuation that joins parts of a line (a source's title, publisher and date; a list
# of sources; a label and its value): Chinese uses full-width forms and no space.
PUNCTUATION: dict[str, dict[str, str]] = {
    "en": {"comma": ", ", "semicolon": "; ", "colon": ": ", "range": " – "},
    "zh": {"comma": "，", "semicolon": "；", "colon": "：", "range": "至"},
}
DOMAINS: tuple[str, ...] = ("shell", "report", "charts")
# The typeface of Chinese text, in charts and on paper (Debian's fonts-noto-cjk).
CJK_FAMILY = "Noto Sans CJK SC"
# The only Latin words a Chinese page may show outside quotes, names and text marked
# lang="en" (docs/style.md): the page tests read this one list, so add to it, never fork it.
ALLOWED_LATIN: tuple[str, ...] = (
    # Outlets that print their own name in Latin letters in Chinese copy.
    "CCTV",
    # File formats a reader downloads or opens, named as Chinese writing names them.
    "PDF",
    "CSV",
    "SVG",
    "HTML",
    # The checksum that proves a source unchanged: an algorithm's name, not a word.
    "SHA-256",
    # The link to the other language of a report names that language in itself.
    "English",
    # Software and fonts credited in 'About this report', by their own names.
    "Jupyter",
    "Python",
    "pandas",
    "matplotlib",
    "seaborn",
    "papermill",
    "nbconvert",
    "playwright",
    "Chromium",
    "Babel",
    "Noto",
    "CJK",
)
_CODE = re.compile(r"[a-z]{2}")


class MissingMessage(KeyError):
    """A message asked for that its catalog lacks or leaves untranslated."""

    def __str__(self) -> str:
        return str(self.args[0])


def check(lang: object) -> str:
    """`lang` if it is a report language; ValueError naming the known ones otherwise."""
    if not isinstance(lang, str) or not _CODE.fullmatch(lang) or lang not in TAGS:
        known = ", ".join(LANGUAGES)
        raise ValueError(f"unknown language {lang!r} (known: {known})")
    return lang


def tag(lang: str) -> str:
    """The BCP 47 tag of a report language."""
    return TAGS[check(lang)]


def suffix(lang: str) -> str:
    """What a language adds to a file's name: '' for English, '.zh' for Chinese
    (overview.html, overview.zh.html), one scheme for pages, PDFs, notebooks and tables."""
    return "" if check(lang) == DEFAULT else f".{lang}"


def locale(lang: str) -> str:
    """The Babel locale a language's numbers and dates are formatted in."""
    return LOCALES[check(lang)]


def catalog_path(lang: str, domain: str) -> Path:
    if domain not in DOMAINS:
        raise ValueError(f"unknown message domain {domain!r} (known: {', '.join(DOMAINS)})")
    return LOCALE / check(lang) / "LC_MESSAGES" / f"{domain}.po"


@cache
def catalog(lang: str, domain: str) -> Catalog:
    """The parsed catalog of one language and domain (read once per process)."""
    from babel.messages.pofile import read_po  # here: the build's start-up needs no Babel

    path = catalog_path(lang, domain)
    with path.open("rb") as file:
        return read_po(file, locale=locale(lang), domain=domain)


@cache
def messages(lang: str, domain: str) -> dict[str, str]:
    """Message id -> text in `lang`; English ids stand for themselves."""
    table: dict[str, str] = {}
    for message in catalog(lang, domain):
        if not message.id or not isinstance(message.id, str):
            continue
        text = message.string if isinstance(message.string, str) else ""
        table[message.id] = text or (message.id if lang == DEFAULT else "")
    return table


def date_text(iso: str, lang: str) -> str:
    """A date of the build's records (YYYY-MM-DD) as a reader of `lang` reads it: English
    keeps the ISO date (unambiguous, and what the records say), Chinese writes
    2022年2月21日 (Babel). Anything else (an 'unknown' build date) is returned as it is."""
    import datetime as dt

    try:
        day = dt.date.fromisoformat(iso)
    except (TypeError, ValueError):
        return str(iso)
    if check(lang) == DEFAULT:
        return day.isoformat()
    from babel.dates import format_date

    return format_date(day, "long", locale=locale(lang))


def N_(message: str) -> str:
    """Marks a message for the catalogs where it is written; it is translated later,
    where it is shown (a table of labels, say)."""
    return message


def gettext(lang: str, domain: str) -> Callable[[str], str]:
    """`_` for one language and domain: `_("Key figures")` is the text in `lang`."""
    table = messages(lang, domain)

    def _(message: str) -> str:
        text = table.get(message)
        if not text:
            where = catalog_path(lang, domain).relative_to(LOCALE.parent)
            state = "untranslated in" if message in table else "missing from"
            raise MissingMessage(f"message {message!r} is {state} {where}")
        return text

    return _
