"""Every interface string of the reports' shell (navigation, headings, the 'About this
report' block, the index, the PDF's running header and footer), in one table.

gettext-style: the English text is the message id, so templates read `_("All reports")`.
`_` returns escaped markup: its values are escaped unless they are markup themselves
(`time_tag`), so a translation can place them anywhere. Another language adds a
`TRANSLATIONS` entry and a `LANGUAGES` tag, and nothing else: a translation that misses
a message, or a message used but not listed, fails the tests."""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup, escape

DEFAULT = "en"
# Shell language -> the BCP 47 tag written in <html lang> and the PDF's /Lang.
LANGUAGES: dict[str, str] = {"en": "en"}
# Each language's name in itself, for the switch to it on every page.
NAMES: dict[str, str] = {"en": "English"}
# The tag marking Chinese text inside a page of another language.
CHINESE = "zh-Hans"

MESSAGES: tuple[str, ...] = (
    # the site and its navigation
    "Criminal protection of personality rights in China",
    "Site",
    "Skip to the content",
    "All reports",
    "Other reports",
    "PDF",
    "Data",
    "Chart data: {name} (CSV)",
    "Chart data (CSV):",
    "Every figure with its quote (CSV)",
    # a report's header
    "Source",
    "Sources",
    "Built {date}",
    # the 'About this report' block
    "About this report",
    "SHA-256 of the archived copy",
    "Build",
    "Revision",
    "Build date",
    "Tools",
    # the index
    "Reports built from the Supreme People's Procuratorate's press conference and later"
    " official releases. Every figure is traced to a verbatim quote of its source.",
    "The last build failed: some reports below may be out of date.",
    "Reports",
    "Sources dated {dates}",
    "Downloads",
    "Built from revision {revision} on {date}.",
    # what changed since the previous build (manifest entry 'changes')
    "new",
    "data changed",
    "notebook changed",
    "code changed",
    "layout changed",
    "unchanged",
    "not rebuilt: the update failed",
    # the index's summary
    "Summary",
    "Key figures",
    "The most recent count of each crime and measure, with its period, scope and release.",
    "Findings",
    "Computed from the figures; a comparison over unequal periods says so.",
    # the PDF's footer
    "page {page} of {total}",
)

# Language -> {English message: translation}. English needs none.
TRANSLATIONS: dict[str, dict[str, str]] = {}


def tag(lang: str) -> str:
    """The BCP 47 tag of a shell language, for <html lang>."""
    if lang not in LANGUAGES:
        raise ValueError(f"no shell language {lang!r} (known: {', '.join(LANGUAGES)})")
    return LANGUAGES[lang]


def translator(lang: str = DEFAULT) -> Callable[..., Markup]:
    """`_` for one language: `_("Built {date}", date=d)` translates, then fills in."""
    tag(lang)
    table = TRANSLATIONS.get(lang, {})

    def _(message: str, **values: object) -> Markup:
        if message not in MESSAGES:
            raise KeyError(f"interface string not in report_lib.render.i18n: {message!r}")
        text = Markup(escape(table.get(message, message)))
        return text.format(**values) if values else text

    return _


def time_tag(value: object) -> Markup:
    """A date as <time>, for a message's value: it never wraps inside."""
    return Markup("<time>{}</time>").format(value)
