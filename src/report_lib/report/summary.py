"""The summary at the top of the index and of every report: key figures with their
period, scope and unit, and findings computed from the dataset (shares, ranks, multiples,
rates per year, comparisons between releases). Nothing here is typed for today's data:
each finding is made only where the data allows it, for any number of crimes and ties.

The text is plain: a notebook escapes it for Markdown, the index's template for HTML.
Each finding keeps the numbers it states, unrounded, so tests compare them with the data
and the notebook saves them as the report's summary table.

Every finding is written in English or Chinese (`lang`): the sentences are composed
here, one set per language, as Chinese official writing words them (not translated word
for word); numbers, shares, multiples and ranks come from `fmt` in that language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from report_lib import language
from report_lib.language import N_
from report_lib.report import charts, fmt

ARRESTS, PROSECUTED = "arrests_approved", "persons_prosecuted"
ALL_SCOPE = "all"
MAX_FINDINGS = 5
# The words FACTS.md requires wherever a crime with a shortened period is compared.
INFERENCE = "This is an inference from the law, not a statement of the source."
UNEQUAL_MARK = "(periods differ: see the note below)"
NOTE_LEAD = "Note on periods:"
# The same in each report language (a Chinese note follows its lead with no space).
INFERENCES = {"en": INFERENCE, "zh": "这是依据法律作出的推断，并非来源的表述。"}
UNEQUAL_MARKS = {"en": UNEQUAL_MARK, "zh": "（期间不同，见下方说明）"}
NOTE_LEADS = {"en": NOTE_LEAD, "zh": "期间说明："}
# The kinds of check other than coverage, named in the checks line of a Chinese report.
CHECK_KINDS = {"consistency": N_("consistency"), "correction": N_("correction")}


@dataclass(frozen=True)
class Labels:
    """What a reader calls each code: crimes, releases, scopes and cases."""

    crimes: Mapping[str, str]
    sources: Mapping[str, str]  # title, publisher, date
    scopes: Mapping[str, str]
    cases: Mapping[str, str]
    publishers: Mapping[str, str] = field(default_factory=dict)  # publisher, date
    measures: Mapping[str, str] = field(default_factory=dict)
    units: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, reference, sources: pd.DataFrame, lang: str = language.DEFAULT) -> Labels:
        """From the reference tables and the processed sources table, in `lang`: Chinese
        names crimes by their legal names and everything else by its `_zh` column."""
        zh = lang == "zh"
        label = "label_zh" if zh else "label"
        title, publisher = ("title_zh", "publisher_zh") if zh else ("title", "publisher")

        def dated(row, *columns: str) -> str:
            day = fmt.day(pd.Timestamp(row.date), lang)
            if zh:
                return "，".join(getattr(row, c) for c in columns) + f"，{day}"
            return ", ".join([*(getattr(row, c) for c in columns), day])

        def case(row: Mapping[str, str]) -> str:
            if not row["number"]:
                return row[label]
            return f"检例第{row['number']}号" if zh else f"Case {row['number']}"

        return cls(
            crimes={
                code: row["name_zh" if zh else "label"]
                for code, row in reference.crimes.rows.items()
            },
            sources={row.source_id: dated(row, title, publisher) for row in sources.itertuples()},
            scopes={code: row[label] for code, row in reference.scopes.rows.items()},
            publishers={row.source_id: dated(row, publisher) for row in sources.itertuples()},
            cases={code: case(row) for code, row in reference.cases.rows.items()},
            measures={code: row[label] for code, row in reference.measures.rows.items()},
            units={code: row[label] for code, row in reference.units.rows.items()},
        )

    def crime(self, code: str) -> str:
        return self.crimes.get(code, code)

    def unit(self, code: str) -> str:
        """A unit as the report's language writes it after a number (人, 次; persons)."""
        return self.units.get(code, code)

    def counted(self, measure: str, unit: str) -> str:
        """What a Chinese sentence calls a measure's count: 起诉人数 for persons, 阅读量."""
        name = self.measures.get(measure, measure)
        return f"{name}人数" if self.unit(unit) == "人" else name


@dataclass(frozen=True)
class Finding:
    """One computed statement; `numbers` are the values it states, `crimes` those it
    compares (two or more make it a comparison)."""

    statement: str
    numbers: dict[str, float] = field(default_factory=dict)
    crimes: tuple[str, ...] = ()
    note: str = ""  # the unequal-periods caveat it carries, said once under a summary's list
    lang: str = language.DEFAULT
    bounds: frozenset[str] = frozenset()  # which of `numbers` are lower bounds ("more than")

    @property
    def _space(self) -> str:
        """Chinese sentences follow each other with no space between them."""
        return "" if self.lang == "zh" else " "

    @property
    def text(self) -> str:
        """The statement with its caveat: what a finding says, read alone."""
        return f"{self.statement}{self._space}{self.note}".strip()

    @property
    def shown(self) -> str:
        """The statement as a summary's bullet shows it, pointing to its note."""
        mark = UNEQUAL_MARKS[self.lang]
        if not self.note:
            return self.statement
        if self.lang == "zh" and self.statement.endswith("。"):  # the mark before the stop
            return f"{self.statement[:-1]}{mark}。"
        return f"{self.statement}{self._space}{mark}"


@dataclass(frozen=True)
class Summary:
    key_figures: list[Finding]
    findings: list[Finding]
    lang: str = language.DEFAULT

    def table(self) -> pd.DataFrame:
        """Every number the summary states, by item, a lower bound marked as one: saved
        beside the report's charts. A whole number is written whole (130000, not 130000.0)."""
        rows = [
            {
                "item": f"{kind} {i + 1}",
                "number": name,
                "value": int(value) if float(value).is_integer() else value,
                "qualifier": fmt.MORE_THAN if name in item.bounds else fmt.EXACT,
            }
            for kind, items in (("key figure", self.key_figures), ("finding", self.findings))
            for i, item in enumerate(items)
            for name, value in item.numbers.items()
        ]
        return pd.DataFrame(rows, columns=["item", "number", "value", "qualifier"], dtype=object)

    @property
    def notes(self) -> list[str]:
        """Each caveat the findings carry, once (three comparisons, one note)."""
        lead = NOTE_LEADS[self.lang] + ("" if self.lang == "zh" else " ")
        return [f"{lead}{n}" for n in dict.fromkeys(f.note for f in self.findings) if n]

    def markdown(self) -> str:
        """Key figures, then findings, each a bullet of escaped text, then their notes."""
        _ = language.gettext(self.lang, "report")
        parts = []
        shown = ((_("Key figures"), self.key_figures), (_("Findings"), self.findings))
        for heading, items in shown:
            if items:
                bullets = "\n".join(f"- {fmt.md_escape(item.shown)}" for item in items)
                parts.append(f"**{heading}**\n\n{bullets}")
        parts += [f"*{fmt.md_escape(note)}*" for note in self.notes]
        return "\n\n".join(parts) or "_{}_".format(_("This release gives no figure to summarise."))


# --- selecting rows -------------------------------------------------------------------


def _statements(figures: pd.DataFrame) -> pd.DataFrame:
    """Each figure once: a repeat of a figure in the same release is the same statement."""
    return figures[figures["repeats"].isna()]


def _counts(figures: pd.DataFrame) -> pd.DataFrame:
    """Counts by crime (not of a case), each stated once."""
    f = _statements(figures)
    return f[f["crime"].notna() & f["case"].isna()]


def _names(labels: Sequence[str], lang: str = language.DEFAULT) -> str:
    labels = list(labels)
    if len(labels) == 1:
        return labels[0]
    if lang == "zh":
        return f"{'、'.join(labels[:-1])}和{labels[-1]}"
    return f"{', '.join(labels[:-1])} and {labels[-1]}"


def _period(row, lang: str = language.DEFAULT) -> str:
    if pd.isna(row.period_start):
        return "未载明期间" if lang == "zh" else "no period stated"
    return fmt.period(row.period_start, row.period_end, lang)


UNEQUAL_SPAN = {"en": "over unequal periods", "zh": "期间不一"}


def _span(rows: pd.DataFrame, lang: str = language.DEFAULT) -> str:
    """The period of a set of counts: one, or 'unequal periods'."""
    periods = {fmt.period(r.period_start, r.period_end, lang) for r in rows.itertuples()}
    if len(periods) == 1:
        return periods.pop()
    return UNEQUAL_SPAN[lang]


def _days(start: pd.Timestamp, end: pd.Timestamp) -> int:
    return (pd.Timestamp(end) - pd.Timestamp(start)).days + 1


def rate_shown(rate: float, qualifier: str) -> tuple[float, int]:
    """A rate per year (charts.per_year, as the span charts compute it) as printed: whole
    from 10 up; a lower bound's rate rounded down, never up, so that it stays true."""
    decimals = 0 if rate >= 10 else fmt.DECIMALS["ratio"]
    if qualifier == fmt.MORE_THAN:
        scale = 10**decimals
        return float(int(rate * scale)) / scale, decimals
    return float(fmt.rounded(rate, decimals)), decimals


# --- key figures ----------------------------------------------------------------------


def _subject(row, labels: Labels, lang: str = language.DEFAULT) -> str:
    if pd.notna(row.case):
        return labels.cases.get(row.case, row.case)
    if pd.notna(row.crime):
        return labels.crime(row.crime) if lang == "zh" else labels.crime(row.crime).lower()
    return "全部罪名" if lang == "zh" else "all crimes"


def key_figure(row, labels: Labels, lang: str = language.DEFAULT) -> Finding:
    """One figure with its measure, subject, period, scope, release and, for a figure no
    other report confirms, that it stands alone."""
    value = fmt.number(int(row.value), row.qualifier, lang=lang)
    scope = labels.scopes.get(row.scope, row.scope)
    alone = pd.notna(row.corroborated) and not bool(row.corroborated)  # numpy or nullable
    if lang == "zh":
        publisher = labels.publishers.get(row.source_id, "未注明来源")
        text = (
            f"{_subject(row, labels, lang)}，{labels.measures.get(row.measure, row.measure)}："
            f"{value}{labels.unit(row.unit)}（{_period(row, lang)}；{scope}；{publisher}"
        )
        text += "；未经证实：其他公开报道均未载明此数）" if alone else "）"
        return Finding(text, {row.figure_id: float(row.value)}, lang=lang, bounds=_bound(row))
    text = (
        f"{row.measure_label.capitalize()}, {_subject(row, labels)}: {value} {row.unit} "
        f"({_period(row)}; {scope}; {labels.publishers.get(row.source_id, 'source not named')}"
    )
    if alone:
        text += "; uncorroborated: no other published report states it"
    return Finding(text + ")", {row.figure_id: float(row.value)}, bounds=_bound(row))


def _bound(row, *names: str) -> frozenset[str]:
    """The figure's id and `names` (numbers derived from it) if the figure is a lower
    bound: what a summary's table marks as one."""
    return frozenset((row.figure_id, *names)) if row.qualifier == fmt.MORE_THAN else frozenset()


def latest_by_crime(figures: pd.DataFrame) -> pd.DataFrame:
    """For each crime and measure, the figure whose period ends last (the longest such on
    a tie): the most recent count a reader can quote."""
    rows = _counts(figures)
    rows = rows[rows["period_end"].notna()]
    rows = rows.sort_values(
        ["period_end", "period_start", "source_id"], ascending=[False, True, True], kind="stable"
    )
    latest = rows.drop_duplicates(["crime", "measure"])
    return latest.sort_values(["crime", "measure"], kind="stable")


# --- comparisons of crimes within one release -----------------------------------------


def _one_release(figures: pd.DataFrame, source: str, measure: str) -> pd.DataFrame:
    """One release's exact counts of one measure by crime, in the whole scope."""
    rows = _counts(figures)
    rows = rows[(rows["source_id"] == source) & (rows["measure"] == measure)]
    rows = rows[(rows["scope"] == ALL_SCOPE) & (rows["qualifier"] == fmt.EXACT)]
    return rows.drop_duplicates("crime").set_index("crime")


def comparable(figures: pd.DataFrame, source: str) -> list[str]:
    """The crimes a release gives both exact arrests and prosecutions for, in the whole
    scope: those its findings may compare."""
    both = set(_one_release(figures, source, ARRESTS).index)
    return [c for c in _one_release(figures, source, PROSECUTED).index if c in both]


def _shorter(crime: str, row, labels: Labels, lang: str) -> str:
    """The caveat's sentence for one crime whose counts cover less than the others'."""
    moved = pd.notna(row.stated_start) and row.stated_start != row.period_start
    period = fmt.period(row.period_start, row.period_end, lang)
    if lang == "zh":
        text = f"{labels.crime(crime)}的数字仅涵盖{period}，短于其他罪名的期间"
        if not moved:
            return text + "。"
        return (
            f"{text}：该罪自{fmt.day(row.period_start, lang)}起才设立，而来源所给期间始于"
            f"{fmt.day(row.stated_start, lang)}。{INFERENCES[lang]}"
        )
    text = (
        f"The counts for {labels.crime(crime).lower()} cover only {period}, a shorter period "
        "than the others'"
    )
    if not moved:
        return text + "."
    return (
        f"{text}: the offence exists only from {fmt.day(row.period_start)}, though the source "
        f"gives them from {fmt.day(row.stated_start)}. {INFERENCE}"
    )


def caveat(rows: pd.DataFrame, labels: Labels, lang: str = language.DEFAULT) -> str:
    """The sentence a comparison of crimes over unequal periods must carry: which crimes'
    counts cover less than the others', and why where the law shortened them."""
    spans = {c: _days(r.period_start, r.period_end) for c, r in rows.iterrows()}
    longest = max(spans.values())
    shorter = [c for c, days in spans.items() if days < longest]
    sentences = [_shorter(crime, rows.loc[crime], labels, lang) for crime in shorter]
    return ("" if lang == "zh" else " ").join(sentences)


def _grouped(values: Mapping[str, float]) -> list[list[str]]:
    """Keys grouped by equal value, largest first."""
    groups: dict[float, list[str]] = {}
    for key, value in sorted(values.items(), key=lambda kv: -kv[1]):
        groups.setdefault(value, []).append(key)
    return list(groups.values())


def _crimes(codes: Sequence[str], labels: Labels, lang: str) -> str:
    """Crimes named inside a sentence: lower case in English, legal names in Chinese."""
    if lang == "zh":
        return _names([labels.crime(c) for c in codes], lang)
    return _names([labels.crime(c).lower() for c in codes])


def share(
    figures: pd.DataFrame, source: str, measure: str, labels: Labels, lang: str = language.DEFAULT
) -> Finding | None:
    """The largest crime's share of a release's total (every leader's, on a tie)."""
    rows = _one_release(figures, source, measure).loc[comparable(figures, source)]
    if len(rows) < 2:
        return None
    values = rows["value"].astype(float).to_dict()
    total = sum(values.values())
    top = fmt.leaders(values)
    part = values[top[0]] / total
    together = len(top) > 1
    if lang == "zh":
        unit = labels.unit(rows["unit"].iloc[0])
        counted = labels.counted(measure, rows["unit"].iloc[0])
        span = _span(rows, lang)  # unequal periods: the note's pointer says so, once
        span = "" if span == UNEQUAL_SPAN[lang] else f"（{span}）"
        text = (
            f"{_names([labels.crime(c) for c in top], lang)}{'各' if together else ''}占"
            f"{fmt.number(len(values), lang=lang)}个罪名{counted}"
            f"合计{fmt.number(int(total), lang=lang)}{unit}的{fmt.percent(part, lang=lang)}"
            f"{span}，{'合计为' if together else '即'}"
            f"{fmt.share_phrase(part * len(top), lang)}。"
        )
    else:
        label = rows["measure_label"].iloc[0]
        each = " each" if together else ""
        verb = "account" if together else "accounts"
        text = (
            f"{_names([labels.crime(c) for c in top])} {verb} for {fmt.percent(part)}{each} of "
            f"the {fmt.number(int(total))} {label} counted for {len(values)} crimes "
            f"({_span(rows)}): {fmt.share_phrase(part * len(top))} of them"
            f"{' together' if each else ''}."
        )
    numbers = {"total": total, "share": part, "crimes": float(len(values))}
    return Finding(text, numbers, tuple(values), caveat(rows, labels, lang), lang)


def ranking(
    figures: pd.DataFrame, source: str, measure: str, labels: Labels, lang: str = language.DEFAULT
) -> Finding | None:
    """The crimes of a release in order of one measure, ties named as such."""
    rows = _one_release(figures, source, measure).loc[comparable(figures, source)]
    if len(rows) < 2:
        return None
    values = rows["value"].astype(float).to_dict()
    unit = rows["unit"].iloc[0]
    parts = []
    for group in _grouped(values):
        count = fmt.number(int(values[group[0]]), lang=lang)
        names = _crimes(group, labels, lang)
        if lang == "zh":
            count += labels.unit(unit)
            parts.append(f"{names}（各{count}，并列）" if len(group) > 1 else f"{names}（{count}）")
        else:
            tied = len(group) > 1
            parts.append(f"{names} ({count} each, tied)" if tied else f"{names} ({count})")
    if lang == "zh":
        text = f"按{labels.counted(measure, unit)}从多到少排列：{'；'.join(parts)}。"
    else:
        text = f"Ranked by {rows['measure_label'].iloc[0]}, most first: {'; '.join(parts)}."
    return Finding(text, dict(values), tuple(values), caveat(rows, labels, lang), lang)


def multiple(
    figures: pd.DataFrame, source: str, measure: str, labels: Labels, lang: str = language.DEFAULT
) -> Finding | None:
    """How the largest count of a release compares with the smallest."""
    rows = _one_release(figures, source, measure).loc[comparable(figures, source)]
    values = rows["value"].astype(float).to_dict()
    groups = _grouped(values)
    if len(groups) < 2 or min(values.values()) <= 0:
        return None
    high, low = values[groups[0][0]], values[groups[-1][0]]
    most, fewest = (_crimes(g, labels, lang) for g in (groups[0], groups[-1]))
    if lang == "zh":
        unit = labels.unit(rows["unit"].iloc[0])
        text = (
            f"{labels.counted(measure, rows['unit'].iloc[0])}最多的是{most}"
            f"（{fmt.number(int(high), lang=lang)}{unit}），最少的是{fewest}"
            f"（{fmt.number(int(low), lang=lang)}{unit}），"
            f"前者{fmt.times_phrase(high, low, lang)}。"
        )
    else:
        text = (
            f"The most {rows['measure_label'].iloc[0]} for one crime ({most}, "
            f"{fmt.number(int(high))}) are {fmt.times_phrase(high, low)} as the fewest "
            f"({fewest}, {fmt.number(int(low))})."
        )
    compared = rows.loc[groups[0] + groups[-1]]
    numbers = {"most": high, "fewest": low, "multiple": high / low}
    return Finding(text, numbers, tuple(compared.index), caveat(compared, labels, lang), lang)


def _per_arrest_text(
    ratios: Mapping[str, float], labels: Labels, lang: str = language.DEFAULT
) -> str:
    """Persons prosecuted per arrest approved in words true of any set of crimes."""
    crimes, n = list(ratios), len(ratios)
    zh = lang == "zh"
    shown = {
        c: fmt.ratio(r, lang=lang) if zh else fmt.number(r, decimals=fmt.DECIMALS["ratio"])
        for c, r in ratios.items()
    }
    if n == 1:
        (crime,) = crimes
        if zh:
            return f"{labels.crime(crime)}的起诉人数是批准逮捕人数的{shown[crime]}。"
        return (
            f"For {labels.crime(crime).lower()}, {shown[crime]} persons were prosecuted per "
            "arrest approved."
        )
    count = fmt.number(n, lang=lang)
    if all(r > 1 for r in ratios.values()) or all(r < 1 for r in ratios.values()):
        more = all(r > 1 for r in ratios.values())
        lead = (
            f"{count}个罪名的起诉人数均{'多' if more else '少'}于批准逮捕人数"
            if zh
            else f"For each of the {count} crimes {'more' if more else 'fewer'} persons were "
            "prosecuted than arrests approved"
        )
    elif zh:
        lead = f"{count}个罪名的起诉人数与批准逮捕人数之比各不相同"
    else:
        lead = f"Persons prosecuted per arrest approved differ across the {count} crimes"
    groups = _grouped(ratios)
    top, bottom = groups[0], groups[-1]
    low, high = (_crimes(g, labels, lang) for g in (bottom, top))
    if len(groups) == 1:
        spread = f"起诉人数均为批准逮捕人数的{shown[top[0]]}" if zh else f"{shown[top[0]]} for each"
    elif zh:
        spread = f"起诉人数为批准逮捕人数的{shown[bottom[0]]}（{low}）至{shown[top[0]]}（{high}）"
    else:
        spread = f"from {shown[bottom[0]]} per arrest ({low}) to {shown[top[0]]} ({high})"
    return f"{lead}：{spread}。" if zh else f"{lead}: {spread}."


def per_arrest(
    figures: pd.DataFrame, source: str, labels: Labels, lang: str = language.DEFAULT
) -> Finding | None:
    """Persons prosecuted per arrest approved across a release's crimes, in words true of
    any set: all above one, all below, or a range."""
    crimes = comparable(figures, source)
    if not crimes:
        return None
    arrests = _one_release(figures, source, ARRESTS)["value"].astype(float)
    prosecuted = _one_release(figures, source, PROSECUTED)["value"].astype(float)
    if (arrests.loc[crimes] <= 0).any():
        return None
    ratios = {c: prosecuted[c] / arrests[c] for c in crimes}
    text = _per_arrest_text(ratios, labels, lang)
    if len(crimes) == 1:
        return Finding(text, {"ratio": ratios[crimes[0]]}, tuple(crimes), lang=lang)
    groups = _grouped(ratios)
    rows = _one_release(figures, source, PROSECUTED).loc[crimes]
    numbers = {
        "crimes": float(len(crimes)),
        "lowest": ratios[groups[-1][0]],
        "highest": ratios[groups[0][0]],
    }
    return Finding(text, numbers, tuple(crimes), caveat(rows, labels, lang), lang)


# --- one crime across releases --------------------------------------------------------


def _rate_part(row, rate: float, decimals: int, labels: Labels, lang: str) -> str:
    """One release's count of a crime as a rate per year over its period, and in all."""
    per_year = fmt.number(rate, row.qualifier, decimals, lang)
    total = fmt.number(int(row.value), row.qualifier, lang=lang)
    if lang == "zh":
        unit = labels.unit(row.unit)
        return f"{_period(row, lang)}，年均{per_year}{unit}（合计{total}{unit}）"
    return f"{per_year} a year over {_period(row)} ({total} in all)"


def rates(
    figures: pd.DataFrame, crime: str, measure: str, labels: Labels, lang: str = language.DEFAULT
) -> Finding | None:
    """A crime's count of one measure and scope from every release that states a period,
    each as a rate per year, the latest compared with the earliest where both are exact."""
    rows = _counts(figures)
    rows = rows[(rows["crime"] == crime) & (rows["measure"] == measure)]
    rows = rows[rows["period_start"].notna() & (rows["scope"] == ALL_SCOPE)]
    if rows["source_id"].nunique() < 2:
        return None
    rows = rows.sort_values(["period_end", "period_start", "source_id"], kind="stable")
    zh = lang == "zh"
    numbers, parts, bounds = {}, [], frozenset()
    for row in rows.itertuples():
        rate, decimals = rate_shown(
            charts.per_year(row.value, row.period_start, row.period_end), row.qualifier
        )
        numbers[f"{row.figure_id} per year"] = rate
        numbers[row.figure_id] = float(row.value)
        bounds |= _bound(row, f"{row.figure_id} per year")
        parts.append(_rate_part(row, rate, decimals, labels, lang))
    if zh:
        counted = labels.counted(measure, rows["unit"].iloc[0])
        text = f"{labels.crime(crime)}的{counted}，逐份发布材料折算为年均数：{'；'.join(parts)}。"
    else:
        label = rows["measure_label"].iloc[0]
        text = f"{labels.crime(crime)}, {label} per year, release by release: {'; '.join(parts)}."
    first, last = rows.iloc[0], rows.iloc[-1]
    if first["qualifier"] == last["qualifier"] == fmt.EXACT and first["value"] > 0:
        a = charts.per_year(last["value"], last["period_start"], last["period_end"])
        b = charts.per_year(first["value"], first["period_start"], first["period_end"])
        if a > 0:
            numbers["latest_to_earliest"] = a / b
            text += (
                f"最近一期与最早一期的年均数相比，前者{fmt.times_phrase(a, b, lang)}。"
                "这只是一个参照：一段期间内的数字未必均匀分布。"
                if zh
                else f" The latest rate is {fmt.times_phrase(a, b)} as the earliest: "
                "a yardstick, since a count spread over its period need not be even."
            )
    elif (rows["qualifier"] == fmt.MORE_THAN).any():
        text += (
            "下限折算的年均数仍是下限，因此不对各年均数排序。"
            if zh
            else " A lower bound gives a lower bound per year, so the rates are not ranked."
        )
    return Finding(text, numbers, (crime,), lang=lang, bounds=bounds)


def _bounds_text(bounded: int, count: int, lang: str) -> str:
    """How many of `count` figures are lower bounds, in words true of any count."""
    if lang == "zh":
        if count == 1:
            return f"其唯一的数字是{'下限（“余”或“超过”）' if bounded else '确数'}。"
        if bounded == 0:
            return f"全部{fmt.number(count, lang=lang)}个数字均为确数，没有下限。"
        return (
            f"{fmt.number(count, lang=lang)}个数字中有{fmt.number(bounded, lang=lang)}个是下限"
            f"（“余”或“超过”），占{fmt.share_phrase(bounded / count, lang)}：每个均按下限列示。"
        )
    if count == 1:
        kind = "a lower bound (\u201cmore than\u201d)" if bounded else "an exact count"
        return f"Its one figure is {kind}."
    if bounded == 0:
        return f"All {count} figures are exact counts; none is a lower bound."
    are = "is a lower bound" if bounded == 1 else "are lower bounds"
    return (
        f"{bounded} of the {count} figures {are} (\u201cmore than\u201d), "
        f"{fmt.share_phrase(bounded / count)} of them: each is shown as one."
    )


def lower_bounds(figures: pd.DataFrame, lang: str = language.DEFAULT) -> Finding | None:
    """How many of a set of figures are lower bounds ('more than')."""
    rows = _statements(figures)
    if rows.empty:
        return None
    bounded = int((rows["qualifier"] == fmt.MORE_THAN).sum())
    text = _bounds_text(bounded, len(rows), lang)
    return Finding(text, {"lower bounds": float(bounded), "figures": float(len(rows))}, lang=lang)


# --- the summaries --------------------------------------------------------------------


def _kept(findings: Sequence[Finding | None]) -> list[Finding]:
    return [f for f in findings if f is not None][:MAX_FINDINGS]


def main_release(figures: pd.DataFrame) -> str | None:
    """The release that compares the most crimes (the first by id on a tie)."""
    counts = {s: len(comparable(figures, s)) for s in sorted(figures["source_id"].unique())}
    best = max(counts.values(), default=0)
    return next((s for s, n in counts.items() if n == best), None) if best else None


def _comparisons(
    figures: pd.DataFrame, source: str, labels: Labels, lang: str
) -> list[Finding | None]:
    return [
        share(figures, source, PROSECUTED, labels, lang),
        ranking(figures, source, PROSECUTED, labels, lang),
        multiple(figures, source, ARRESTS, labels, lang),
        per_arrest(figures, source, labels, lang),
    ]


def _crime_rates(
    figures: pd.DataFrame, crime: str, labels: Labels, lang: str
) -> list[Finding | None]:
    measures = dict.fromkeys(_counts(figures).query("crime == @crime")["measure"])
    return [rates(figures, crime, m, labels, lang) for m in measures]


def for_site(figures: pd.DataFrame, labels: Labels, lang: str = language.DEFAULT) -> Summary:
    """The index: the latest count of each crime and measure; the main release's
    comparisons, then each crime's rates across releases."""
    keys = [key_figure(r, labels, lang) for r in latest_by_crime(figures).itertuples()]
    found: list[Finding | None] = []
    if source := main_release(figures):
        found += [
            share(figures, source, PROSECUTED, labels, lang),
            per_arrest(figures, source, labels, lang),
        ]
    crimes = dict.fromkeys(_counts(figures)["crime"])
    across = [r for c in crimes for r in _crime_rates(figures, c, labels, lang)]
    # comparisons between releases first: a rate that can be compared says more
    found += sorted((r for r in across if r), key=lambda r: "latest_to_earliest" not in r.numbers)
    return Summary(keys, _kept(found), lang)


def for_release(
    figures: pd.DataFrame, source: str, labels: Labels, lang: str = language.DEFAULT
) -> Summary:
    """One release: every figure it gives, and its crimes compared where it allows."""
    rows = _statements(figures[figures["source_id"] == source])
    keys = [key_figure(r, labels, lang) for r in rows.sort_values("quote_start").itertuples()]
    found = _comparisons(figures, source, labels, lang)
    found.append(lower_bounds(figures[figures["source_id"] == source], lang))
    return Summary(keys, _kept(found), lang)


def for_comparison(
    figures: pd.DataFrame, source: str, labels: Labels, lang: str = language.DEFAULT
) -> Summary:
    """One release's counts by crime, and the crimes compared where it allows."""
    rows = _counts(figures[figures["source_id"] == source])
    order = ["measure", "quote_start"]
    keys = [key_figure(r, labels, lang) for r in rows.sort_values(order).itertuples()]
    found = _comparisons(figures, source, labels, lang)
    found.append(share(figures, source, ARRESTS, labels, lang))
    return Summary(keys, _kept(found), lang)


def for_crime(
    figures: pd.DataFrame, crime: str, labels: Labels, lang: str = language.DEFAULT
) -> Summary:
    """One crime: every figure any release gives for it; its rank and share in each
    release that compares it, and its rates across releases."""
    rows = _statements(figures[figures["crime"] == crime])
    order = ["period_end", "source_id", "quote_start"]
    keys = [key_figure(r, labels, lang) for r in rows.sort_values(order).itertuples()]
    found: list[Finding | None] = []
    for source in sorted(rows["source_id"].unique()):
        if crime in comparable(figures, source) and len(comparable(figures, source)) > 1:
            found.append(standing(figures, source, crime, labels, lang))
    found += _crime_rates(figures, crime, labels, lang)
    found.append(lower_bounds(rows, lang))
    return Summary(keys, _kept(found), lang)


def for_trend(
    figures: pd.DataFrame, crime: str, labels: Labels, lang: str = language.DEFAULT
) -> Summary:
    """One crime over time: its counts with a period, earliest end first, and their rates
    per year release by release."""
    rows = _counts(figures[figures["crime"] == crime])
    rows = rows[rows["period_start"].notna()]
    order = ["period_end", "period_start", "source_id"]
    keys = [key_figure(r, labels, lang) for r in rows.sort_values(order).itertuples()]
    found = [*_crime_rates(figures, crime, labels, lang), lower_bounds(rows, lang)]
    return Summary(keys, _kept(found), lang)


def standing(
    figures: pd.DataFrame, source: str, crime: str, labels: Labels, lang: str = language.DEFAULT
) -> Finding:
    """A crime's rank and share among the crimes one release compares."""
    rows = _one_release(figures, source, PROSECUTED).loc[comparable(figures, source)]
    values = rows["value"].astype(float).to_dict()
    total = sum(values.values())
    part = values[crime] / total
    if lang == "zh":
        unit = labels.unit(rows["unit"].iloc[0])
        release = labels.sources.get(source, "某份发布材料")
        text = (
            f"{labels.crime(crime)}在{fmt.number(len(values), lang=lang)}个罪名中起诉人数"
            f"{fmt.rank_phrase(values, crime, lang)}（{release}；"
            f"{fmt.number(int(values[crime]), lang=lang)}{unit}，占合计"
            f"{fmt.number(int(total), lang=lang)}{unit}的{fmt.percent(part, lang=lang)}；"
            f"{_span(rows, lang)}）。"
        )
    else:
        text = (
            f"{labels.crime(crime)}: {fmt.rank_phrase(values, crime)} persons prosecuted of the "
            f"{len(values)} crimes compared in {labels.sources.get(source, 'a release')} "
            f"({fmt.number(int(values[crime]))}, {fmt.percent(part)} of "
            f"{fmt.number(int(total))}, {_span(rows)})."
        )
    numbers = {"value": values[crime], "share": part, "total": total, "crimes": float(len(values))}
    return Finding(text, numbers, tuple(values), caveat(rows, labels, lang), lang)


def _reads_per_hour(case: str, r, w, labels: Labels, lang: str) -> Finding:
    """A case's reads an hour over the window the source gives, on average."""
    rate = float(r["value"]) / float(w["value"])
    name, hours = labels.cases.get(case, case), fmt.number(int(w["value"]), lang=lang)
    if lang == "zh":
        per_hour = fmt.rate(int(rate), "小时", "次阅读", r["qualifier"], lang=lang)
        text = f"{name}：最初{hours}小时内，平均{per_hour}。"
    else:
        text = (
            f"{name}: {fmt.number(int(rate), r['qualifier'])} reads an hour over its first "
            f"{hours} hours, on average."
        )
    numbers = {
        "reads per hour": float(int(rate)),
        "hours": float(w["value"]),
        "reads": float(r["value"]),
    }
    bounded = r["qualifier"] == fmt.MORE_THAN
    return Finding(
        text, numbers, lang=lang, bounds=frozenset({"reads per hour", "reads"} if bounded else ())
    )


def for_cases(
    figures: pd.DataFrame, source: str, labels: Labels, lang: str = language.DEFAULT
) -> Summary:
    """The figures of a release's cases, and reads per hour where a window is given."""
    rows = _statements(figures[(figures["source_id"] == source) & figures["case"].notna()])
    rows = rows[rows["case"].isin(rows.loc[rows["measure"] == "reads", "case"])]
    keys = [key_figure(r, labels, lang) for r in rows.sort_values("quote_start").itertuples()]
    found: list[Finding | None] = []
    reads = rows[rows["measure"] == "reads"].set_index("case")
    windows = rows[rows["measure"] == "reach_window"].set_index("case")
    for case in reads.index.intersection(windows.index):
        # Over a window that is itself a lower bound, reads an hour would have no bound.
        if windows.loc[case, "value"] > 0 and windows.loc[case, "qualifier"] == fmt.EXACT:
            found.append(_reads_per_hour(case, reads.loc[case], windows.loc[case], labels, lang))
    values = reads["value"].astype(float).to_dict()
    top = fmt.leaders(values) if len(reads) > 1 else []
    others_exact = (reads.drop(index=top)["qualifier"] == fmt.EXACT).all()
    if top and others_exact:
        names = _names([labels.cases.get(c, c) for c in top], lang)
        most = fmt.number(int(values[top[0]]), reads.loc[top[0], "qualifier"], lang=lang)
        text = (
            f"阅读量最多的是{names}（{most}次）。"
            if lang == "zh"
            else f"The most read: {names}, {most} reads."
        )
        bounds = {"reads"} if reads.loc[top[0], "qualifier"] == fmt.MORE_THAN else set()
        found.append(Finding(text, {"reads": values[top[0]]}, lang=lang, bounds=frozenset(bounds)))
    found.append(lower_bounds(rows, lang))
    return Summary(keys, _kept(found), lang)


def _checks_text(numbers: Mapping[str, float], others: pd.Series, lang: str) -> str:
    """The checks line's words; every number in it is one of `numbers`."""
    n = {k: fmt.number(int(v), lang=lang) for k, v in numbers.items()}
    if lang == "zh":
        _ = language.gettext(lang, "report")
        kinds = "".join(
            f"；{fmt.number(int(c), lang=lang)}项{_(CHECK_KINDS[kind])}检查"
            for kind, c in others.items()
        )
        return (
            f"共进行{n['checks']}项检查，全部通过：其中{n['numbers checked']}项针对"
            f"{n['releases']}份发布材料原文中的数字，每个数字或是数据集中的数字"
            f"（{n['figures']}个），或已说明理由予以排除（{n['set aside']}个）{kinds}。"
            "每项检查及其结果均载于本报告所附的检查表（CSV）。"
        )
    kinds = "".join(
        f"; {fmt.number(int(c))} {kind} check{'s' if c > 1 else ''}" for kind, c in others.items()
    )
    return (
        f"{n['checks']} checks were run, and all passed: "
        f"{n['numbers checked']} on the numbers in the texts of {n['releases']} "
        f"releases, each a figure of the dataset ({n['figures']}) or set aside with a "
        f"stated reason ({n['set aside']}){kinds}. Every check, with its "
        "result, is in the checks table (CSV) linked with this report."
    )


def checks(frame: pd.DataFrame, lang: str = language.DEFAULT) -> Finding:
    """All the checks in one line, counted from their table (a `release` column naming
    each check's release). A check that fails stops the data step, so every row of a
    built dataset's table is one that passed."""
    coverage = frame[frame["check"] == "coverage"]
    found = int((coverage["result"] == "figure").sum())
    others = frame[frame["check"] != "coverage"].groupby("check", sort=True).size()
    numbers = {
        "checks": float(len(frame)),
        "numbers checked": float(len(coverage)),
        "releases": float(coverage["release"].nunique()),
        "figures": float(found),
        "set aside": float(len(coverage) - found),
    }
    text = _checks_text(numbers, others, lang)
    numbers |= {f"{kind} checks": float(n) for kind, n in others.items()}
    return Finding(text, numbers, lang=lang)


def _dataset_text(count: int, releases: int, confirmed: int, lang: str) -> str:
    share_words = fmt.share_phrase(confirmed / count, lang)
    if lang == "zh":
        n, r = fmt.number(count, lang=lang), fmt.number(releases, lang=lang)
        found = (
            f"其中{fmt.number(confirmed, lang=lang)}个经同一发布材料的另一份公开报道证实，"
            f"占{share_words}"
            if confirmed
            else "其中没有一个经同一发布材料的另一份公开报道证实"
        )
        return f"共{n}个数字，出自{r}份发布材料，每个均可追溯至逐字引用的原文；{found}。"
    return (
        f"{count} figures from {releases} releases, each traced to a verbatim quote; "
        f"{confirmed} of them are confirmed by another published report of the same "
        f"release ({share_words} of them)."
    )


def for_dataset(
    figures: pd.DataFrame,
    labels: Labels,
    check_table: pd.DataFrame | None = None,
    lang: str = language.DEFAULT,
) -> Summary:
    """The data appendix: how many figures, from how many releases, how many confirmed
    by another report, how many lower bounds, and the checks run on them."""
    rows = _statements(figures)
    if rows.empty:
        return Summary([], [], lang)
    releases = rows["source_id"].nunique()
    confirmed = int((rows["corroborated"] == True).sum())  # noqa: E712 (a nullable column)
    found = [
        Finding(
            _dataset_text(len(rows), releases, confirmed, lang),
            {"figures": float(len(rows)), "releases": float(releases), "confirmed": confirmed},
            lang=lang,
        ),
        lower_bounds(rows, lang),
        None if check_table is None else checks(check_table, lang),
    ]
    return Summary([], _kept(found), lang)
