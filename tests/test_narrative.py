"""The prose: comparative words follow the values, and data text cannot inject HTML."""

from __future__ import annotations

import html
import re

import pandas as pd
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from nbformat.v4 import new_code_cell, new_notebook, new_output

from report_lib.render.html import render_html
from report_lib.report import narrative

LABELS = {"a": "Alpha", "b": "Beta"}


def _shares(values: dict[str, tuple[int, int]]) -> pd.DataFrame:
    rows = []
    for measure, index in (("arrests_approved", 0), ("persons_prosecuted", 1)):
        total = sum(v[index] for v in values.values())
        for crime, v in values.items():
            rows.append({"crime": crime, "measure": measure, "value": v[index], "total": total,
                         "share": v[index] / total})  # fmt: skip
    return pd.DataFrame(rows)


def _ratios(values: dict[str, tuple[int, int]]) -> pd.DataFrame:
    return pd.DataFrame([{"crime": c, "ratio": v[1] / v[0]} for c, v in values.items()])


def _shown(markdown: str) -> str:
    """The prose as a reader sees it: rendered, tags dropped (labels come escaped)."""
    return html.unescape(re.sub(r"<[^>]+>", "", markdown2html_mistune(markdown)))


def test_the_leader_and_its_share_word_follow_the_data():
    values = {"a": (10, 990), "b": (90, 10)}
    text = _shown(narrative.overview(_shares(values), _ratios(values), LABELS))
    assert "Alpha accounts for almost all of both" in text
    flipped = {"a": (10, 400), "b": (90, 600)}
    assert "Beta accounts for most of both" in _shown(
        narrative.overview(_shares(flipped), _ratios(flipped), LABELS)
    )


def test_ratio_extremes_are_computed():
    values = {"a": (100, 250), "b": (100, 120)}
    text = _shown(narrative.overview(_shares(values), _ratios(values), LABELS))
    assert "from 1.2 times as many for beta to 2.5 times as many for alpha" in text


def test_a_quote_with_a_script_tag_shows_as_text():
    quote = "<script>alert(1)</script> said 12 people"
    markdown = narrative.quotes(pd.DataFrame({"quote": [quote]}))
    cell = new_code_cell("", outputs=[new_output("display_data", data={"text/markdown": markdown})])
    html = render_html(new_notebook(cells=[cell]))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_source_sentences_are_quoted_verbatim():
    document = "First thing. Hot-spot waves come and go. Last thing."
    assert narrative.sentences_with(document, "hot").startswith("> ")
    assert "First" not in narrative.sentences_with(document, "hot")
