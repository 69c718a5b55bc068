"""A page's stylesheets cut down to the rules that can match it.

nbconvert's lab template inlines all of JupyterLab's CSS (240 KB) in every page, of which
a report uses about a twentieth: the rest is sent to every phone and parsed by Chromium
for every PDF. The page has no script, so the classes and ids in its markup are all it
will ever have; a rule is dropped only when every one of its selectors needs a class or
id the page lacks, and a custom property only when nothing left uses it. Anything else
(element, attribute and pseudo selectors, @font-face, @keyframes, @page) is kept as is,
so the page looks exactly as with the whole stylesheet (tests/test_css.py compares the
two in Chromium)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import tinycss2
from tinycss2 import ast

STYLE_OPEN = re.compile(r"<style\b[^>]*>", re.I)
STYLE_CLOSE = re.compile(r"</style\s*>", re.I)
# Attribute values of the markup, however quoted; a value read wrongly can only keep more.
_ATTRIBUTE = r"""\b{name}\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))"""
CLASS_ATTRIBUTE = re.compile(_ATTRIBUTE.format(name="class"), re.I)
ID_ATTRIBUTE = re.compile(_ATTRIBUTE.format(name="id"), re.I)
VAR_REFERENCE = re.compile(r"var\(\s*(--[\w-]+)")
GROUPING_RULES = ("media", "supports", "layer", "container")


@dataclass(frozen=True)
class _Declaration:
    text: str
    defines: str | None  # the custom property it sets (--name), else None
    uses: frozenset[str]  # custom properties its value reads


@dataclass(frozen=True)
class _Rule:
    selectors: tuple[tuple[str, frozenset[str], frozenset[str]], ...]  # text, classes, ids
    declarations: tuple[_Declaration, ...]


@dataclass(frozen=True)
class _Group:
    prelude: str  # '@media print' …
    rules: tuple[_Rule | _Group | str, ...]


def prune_page(html: str) -> str:
    """The page with each <style> block keeping only what can apply to its markup."""
    spans = style_spans(html)
    if not spans:
        return html
    ends = [0, *(end for _, end in spans)]
    markup = "".join(html[e:s] for e, (s, _) in zip(ends, spans, strict=False)) + html[ends[-1] :]
    classes = {c for m in CLASS_ATTRIBUTE.finditer(markup) for c in _value(m).split()}
    ids = {_value(m) for m in ID_ATTRIBUTE.finditer(markup)}
    sheets = [_parse(html[start:end]) for start, end in spans]
    kept = [_matching(sheet, frozenset(classes), frozenset(ids)) for sheet in sheets]
    used = _used_properties(kept, set(VAR_REFERENCE.findall(markup)))
    return _replaced(html, spans, [f"\n{_serialize(sheet, used)}\n" for sheet in kept])


def style_spans(html: str) -> list[tuple[int, int]]:
    """Where the text of each <style> block starts and ends."""
    spans, position = [], 0
    while (opening := STYLE_OPEN.search(html, position)) is not None:
        closing = STYLE_CLOSE.search(html, opening.end())
        if closing is None:
            break
        spans.append((opening.end(), closing.start()))
        position = closing.end()
    return spans


def with_styles(html: str, texts: list[str]) -> str:
    """The page with the text of its <style> blocks replaced, in order, by `texts`."""
    return _replaced(html, style_spans(html), texts)


def _replaced(html: str, spans: list[tuple[int, int]], texts: list[str]) -> str:
    parts, position = [], 0
    for (start, end), text in zip(spans, texts, strict=True):
        parts += [html[position:start], text]
        position = end
    return "".join(parts) + html[position:]


def _value(match: re.Match[str]) -> str:
    return next(g for g in match.groups() if g is not None)


@lru_cache(maxsize=16)
def _parse(css: str) -> tuple[_Rule | _Group | str, ...]:
    """A stylesheet as rules, each selector with the classes and ids it needs (parsed once
    per process: every page carries the same sheets)."""
    return tuple(_parse_rules(tinycss2.parse_stylesheet(css, True, True)))


def _parse_rules(nodes: list) -> list[_Rule | _Group | str]:
    rules: list[_Rule | _Group | str] = []
    for node in nodes:
        if isinstance(node, ast.QualifiedRule):
            selectors = tuple(_selector(tokens) for tokens in _split_commas(node.prelude))
            declarations = tinycss2.parse_blocks_contents(node.content, True, True)
            rules.append(_Rule(selectors, tuple(_declaration(d) for d in declarations)))
        elif (
            isinstance(node, ast.AtRule)
            and node.lower_at_keyword in GROUPING_RULES
            and node.content is not None
        ):
            inner = tinycss2.parse_blocks_contents(node.content, True, True)
            prelude = f"@{node.at_keyword}{tinycss2.serialize(node.prelude)}".strip()
            rules.append(_Group(prelude, tuple(_parse_rules(inner))))
        elif isinstance(node, ast.AtRule):
            rules.append(node.serialize())  # @font-face, @keyframes, @page, @import …
    return rules


def _split_commas(prelude: list) -> list[list]:
    """A selector list's selectors; commas inside :is() or :not() are in nested blocks."""
    parts: list[list] = [[]]
    for token in prelude:
        if isinstance(token, ast.LiteralToken) and token.value == ",":
            parts.append([])
        else:
            parts[-1].append(token)
    return parts


def _selector(tokens: list) -> tuple[str, frozenset[str], frozenset[str]]:
    """A selector's text and the classes and ids it requires of the page. Only those at its
    top level count: `:not(.x)` matches a page without .x."""
    classes, ids = set(), set()
    previous = None
    for token in tokens:
        if isinstance(token, ast.IdentToken) and _is_dot(previous):
            classes.add(token.value)
        elif isinstance(token, ast.HashToken) and token.is_identifier:
            ids.add(token.value)
        previous = token
    return tinycss2.serialize(tokens).strip(), frozenset(classes), frozenset(ids)


def _is_dot(token: object) -> bool:
    return isinstance(token, ast.LiteralToken) and token.value == "."


def _declaration(node: object) -> _Declaration:
    """A declaration, or a nested rule or stray token kept as is (it defines nothing)."""
    text = node.serialize()  # type: ignore[attr-defined]
    defines = None
    if isinstance(node, ast.Declaration) and node.name.startswith("--"):
        defines = node.name
    return _Declaration(text, defines, frozenset(VAR_REFERENCE.findall(text)))


def _matching(rules, classes: frozenset[str], ids: frozenset[str]) -> list:
    """The rules (and within them the selectors) that can match the page."""
    kept: list = []
    for rule in rules:
        if isinstance(rule, _Rule):
            selectors = tuple(s for s in rule.selectors if s[1] <= classes and s[2] <= ids)
            if selectors:
                kept.append(_Rule(selectors, rule.declarations))
        elif isinstance(rule, _Group):
            inner = _matching(rule.rules, classes, ids)
            if inner:
                kept.append(_Group(rule.prelude, tuple(inner)))
        else:
            kept.append(rule)
    return kept


def _declarations(rules) -> list[_Declaration]:
    found: list[_Declaration] = []
    for rule in rules:
        if isinstance(rule, _Rule):
            found.extend(rule.declarations)
        elif isinstance(rule, _Group):
            found.extend(_declarations(rule.rules))
    return found


def _used_properties(sheets: list[list], used_by_markup: set[str]) -> set[str]:
    """Custom properties read by the markup, by a kept rule, or by another one used."""
    declarations = [d for sheet in sheets for d in _declarations(sheet)]
    used = set(used_by_markup)
    for sheet in sheets:  # kept at-rules such as @keyframes may read properties too
        used.update(p for r in sheet if isinstance(r, str) for p in VAR_REFERENCE.findall(r))
    used.update(p for d in declarations if d.defines is None for p in d.uses)
    custom = [d for d in declarations if d.defines is not None]
    while more := {p for d in custom if d.defines in used for p in d.uses} - used:
        used |= more
    return used


def _serialize(rules, used: set[str]) -> str:
    parts: list[str] = []
    for rule in rules:
        if isinstance(rule, _Rule):
            kept = [d.text for d in rule.declarations if d.defines is None or d.defines in used]
            body = ";".join(kept)
            if body:
                parts.append(f"{','.join(s[0] for s in rule.selectors)}{{{body}}}")
        elif isinstance(rule, _Group):
            inner = _serialize(rule.rules, used)
            if inner:
                parts.append(f"{rule.prelude}{{\n{inner}\n}}")
        else:
            parts.append(rule)
    return "\n".join(parts)
