"""Chinese text inside a page of another language, marked `lang="zh-Hans"`: screen readers
then switch voice, browsers pick a Chinese font and line breaking, and the tagged PDF
carries the language. Done on the finished HTML, so it covers the shell, markdown and
every output alike, and notebooks stay untouched.

Only text between tags changes: tags (and so attributes) are copied as they are, and the
content of script, style, title, textarea and svg is never touched."""

from __future__ import annotations

import re

from report_lib.render.i18n import CHINESE

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_CJK = _HAN + "\u3000-\u303f\uff00-\uffef"  # with CJK and full-width punctuation
# A run starts and ends with a CJK character; digits, spaces and ASCII punctuation
# between two such characters belong to it (6000余人、9800余人), Latin letters never do.
_RUN = re.compile(rf"[0-9]*[{_CJK}](?:[0-9\s.,:;%~/\-–—]*[{_CJK}])*")
_TOKEN = re.compile(
    r"<!--.*?-->|<![^>]*>|<\?[^>]*>"
    r"""|</?[a-zA-Z][^\s/>]*(?:[^>"']|"[^"]*"|'[^']*')*>""",
    re.DOTALL,
)
_NAME = re.compile(r"</?([a-zA-Z][^\s/>]*)")
_LANG = re.compile(r"""\slang\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_UNTOUCHED = {"script", "style", "title", "textarea", "svg", "math"}
_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


def mark_chinese(html: str) -> str:
    """`html` with every run of Chinese text outside a Chinese element wrapped in
    `<span lang="zh-Hans">`; a page whose <html lang> is Chinese is returned as it is."""
    out: list[str] = []
    stack: list[tuple[str, bool]] = []  # open elements: (name, inside Chinese)
    skip_until: str | None = None
    position = 0
    for token in _TOKEN.finditer(html):
        text = html[position : token.start()]
        chinese = stack[-1][1] if stack else False
        out.append(text if skip_until or chinese else _wrap(text))
        tag = token.group(0)
        position = token.end()
        out.append(tag)
        name_match = _NAME.match(tag)
        if not name_match:
            continue
        name = name_match.group(1).lower()
        if skip_until:
            if tag.startswith("</") and name == skip_until:
                skip_until = None
            continue
        if tag.startswith("</"):
            _close(stack, name)
        elif name in _UNTOUCHED:
            skip_until = None if tag.endswith("/>") else name
        elif name not in _VOID and not tag.endswith("/>"):
            stack.append((name, _is_chinese(tag, chinese)))
    rest = html[position:]
    inside = stack[-1][1] if stack else False
    out.append(rest if skip_until or inside else _wrap(rest))
    return "".join(out)


def _wrap(text: str) -> str:
    return _RUN.sub(lambda m: f'<span lang="{CHINESE}">{m.group(0)}</span>', text)


def _is_chinese(tag: str, inherited: bool) -> bool:
    found = _LANG.search(tag)
    if not found:
        return inherited
    value = next(v for v in found.groups() if v is not None)
    return value.lower().startswith("zh")


def _close(stack: list[tuple[str, bool]], name: str) -> None:
    """Pop up to the matching open element (HTML lets some end tags be left out)."""
    for depth in range(len(stack) - 1, -1, -1):
        if stack[depth][0] == name:
            del stack[depth:]
            return
