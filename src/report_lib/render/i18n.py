"""The interface strings of the reports' shell (navigation, headings, the 'About this
report' block, the index, the PDF's running header and footer), from the `shell` message
catalog of report_lib/locale.

gettext-style: the English text is the message id, so templates read `_("All reports")`.
`_` returns escaped markup: its values are escaped unless they are markup themselves
(`time_tag`), so a translation can place them anywhere."""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup, escape

from report_lib import language

DEFAULT = language.DEFAULT
UNKNOWN = "unknown"  # what the build records for a date or revision it cannot know
# The tag marking Chinese text inside a page of another language.
CHINESE = language.TAGS["zh"]


def tag(lang: str) -> str:
    """The BCP 47 tag of a shell language, for <html lang>."""
    return language.tag(lang)


def translator(lang: str = DEFAULT) -> Callable[..., Markup]:
    """`_` for one language: `_("Built {date}", date=d)` translates, then fills in."""
    text_of = language.gettext(lang, "shell")

    def _(message: str, **values: object) -> Markup:
        text = Markup(escape(text_of(message)))
        return text.format(**values) if values else text

    return _


def time_tag(value: object, lang: str = DEFAULT) -> Markup:
    """A date as <time>, for a message's value: it never wraps inside. A Chinese page
    shows 2022年2月21日 and keeps the ISO date in the `datetime` attribute."""
    if str(value) == UNKNOWN:  # a build outside a git checkout: no commit date
        _ = translator(lang)
        return Markup("<time>{}</time>").format(_("unknown"))
    text = language.date_text(str(value), lang)
    if text == str(value):
        return Markup("<time>{}</time>").format(value)
    return Markup('<time datetime="{}">{}</time>').format(value, text)


def joiner(lang: str) -> dict[str, str]:
    """The punctuation of `lang` (report_lib.language.PUNCTUATION), for templates."""
    return language.PUNCTUATION[language.check(lang)]
