"""The prose of the reports. Every number comes from a chart's table or the dataset
through `fmt`; comparative words are computed by `fmt` from the values.

Each function writes English or Chinese (`lang`): the sentences are composed here, one
set per language, as Chinese official and news writing words them. Text a source gives
only in English (a quote, a note of the reference tables) is shown in a Chinese report
marked as the English wording: "（英文报道原文）" and `<span lang="en">`."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import pandas as pd

from report_lib import language
from report_lib.report import fmt
from report_lib.report.summary import INFERENCES, Labels, rate_shown

ARRESTS, PROSECUTED = "arrests_approved", "persons_prosecuted"
ENGLISH_WORDING = "（英文报道原文）"
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")
_LATIN = re.compile("[A-Za-z]")
_ARTICLE = re.compile(r"Art\. (\d+)(?:-(\d))?")
_ZH_DIGITS = "一二三四五六七八九"  # 之一, 之二: the sub-article of a legal article


def _zh(lang: str) -> bool:
    return language.check(lang) == "zh"


def _by_measure(table: pd.DataFrame, measure: str) -> pd.DataFrame:
    return table[table["measure"] == measure].set_index("crime")


def _escaped(labels: Mapping[str, str]) -> dict[str, str]:
    """Labels from the reference tables, as Markdown text: they are data, never markup."""
    return {code: fmt.md_escape(label) for code, label in labels.items()}


def _joined(names: list[str], lang: str = language.DEFAULT) -> str:
    if len(names) == 1:
        return names[0]
    if lang == "zh":
        return f"{'、'.join(names[:-1])}和{names[-1]}"
    return f"{', '.join(names[:-1])} and {names[-1]}"


def english(text: str) -> str:
    """English text of the data inside a Chinese report: escaped and marked as English,
    so a screen reader and the PDF read it as such."""
    return f'<span lang="en">{fmt.md_escape(text)}</span>'


def _is_english(text: str) -> bool:
    """English text, though it may name a Chinese term (出售、非法提供公民个人信息罪 and
    ...): more Latin letters than Chinese characters."""
    return len(_LATIN.findall(text)) > len(_HAN.findall(text))


def _data_text(text: str, lang: str) -> str:
    """Text of the data (not a quote) in the report's language, or marked as English."""
    if lang == "zh" and _is_english(text):
        return f"{ENGLISH_WORDING}{english(text)}"
    return fmt.md_escape(text)


def _quoted(text: str, lang: str) -> str:
    """A source's words in quotation marks; in a Chinese report, English words are marked
    as the English report's wording."""
    if lang == "zh" and _is_english(text):
        return f"{ENGLISH_WORDING}“{english(text)}”"
    return f"“{fmt.md_escape(text)}”"


def _direction(ratio: pd.Series, lang: str = language.DEFAULT) -> str:
    """Whether more or fewer persons were prosecuted than arrests approved: for every
    crime, or it differs; from the values, never assumed."""
    zh = lang == "zh"
    if (ratio > 1).all():
        return "多于" if zh else "more persons were prosecuted than arrests approved"
    if (ratio < 1).all():
        return "少于" if zh else "fewer persons were prosecuted than arrests approved"
    if (ratio == 1).all():
        return "等于" if zh else "as many persons were prosecuted as arrests approved"
    return ""


def _ratio_range(ratio: pd.Series, shown: Mapping[str, str], lang: str = language.DEFAULT) -> str:
    """Persons prosecuted per arrest approved, as a range over the crimes (ties named)."""
    lowest = [c for c in ratio.index if ratio[c] == ratio.min()]
    highest = [c for c in ratio.index if ratio[c] == ratio.max()]
    low, high = fmt.ratio(ratio.min(), lang=lang), fmt.ratio(ratio.max(), lang=lang)
    if lang == "zh":
        low_names = _joined([shown[c] for c in lowest], lang)
        if ratio.min() == ratio.max():
            return f"前者均为后者的{high}（{low_names}）"
        high_names = _joined([shown[c] for c in highest], lang)
        return f"前者为后者的{low}（{low_names}）至{high}（{high_names}）"
    low_names = _joined([shown[c].lower() for c in lowest])
    if ratio.min() == ratio.max():
        return f"{high} as many for {low_names}"
    high_names = _joined([shown[c].lower() for c in highest])
    return f"from {low} as many for {low_names} to {high} as many for {high_names}"


def _leading(arrests: pd.DataFrame, prosecuted: pd.DataFrame, shown, lang: str) -> str:
    """The sentence on the crime (or crimes, tied) with the most prosecutions."""
    leaders = fmt.leaders(prosecuted["value"].to_dict())
    lead = leaders[0]
    p_share, a_share = prosecuted.loc[lead, "share"], arrests.loc[lead, "share"]
    p_pct, a_pct = fmt.percent(p_share, lang=lang), fmt.percent(a_share, lang=lang)
    p_word, a_word = fmt.share_phrase(p_share, lang), fmt.share_phrase(a_share, lang)
    if lang == "zh":
        if len(leaders) > 1:
            return f"{_joined([shown[c] for c in leaders], lang)}各占起诉人数的{p_pct}。"
        if p_word == a_word:
            return (
                f"{shown[lead]}在两项中均占{p_word}：占批准逮捕人数的{a_pct}，占起诉人数的{p_pct}。"
            )
        return (
            f"{shown[lead]}占起诉人数的{p_word}（{p_pct}），占批准逮捕人数的{a_word}（{a_pct}）。"
        )
    if len(leaders) > 1:
        names = _joined([shown[c] for c in leaders])
        return f"{names} account for {p_pct} each of the prosecutions."
    if p_word == a_word:
        return (
            f"{shown[lead]} accounts for {p_word} of both: {a_pct} of the "
            f"arrests and {p_pct} of the prosecutions."
        )
    return (
        f"{shown[lead]} accounts for {p_word} of the prosecutions "
        f"({p_pct}) and {a_word} of the arrests ({a_pct})."
    )


def overview(
    shares: pd.DataFrame,
    ratios: pd.DataFrame,
    labels: Mapping[str, str],
    lang: str = language.DEFAULT,
) -> str:
    """The headline comparison of the crimes, in words true for any number of crimes
    and for ties."""
    zh = _zh(lang)
    arrests, prosecuted = _by_measure(shares, ARRESTS), _by_measure(shares, PROSECUTED)
    ratio = ratios.set_index("crime")["ratio"]
    shown = _escaped(labels)

    def count(frame: pd.DataFrame, crime: str, column: str = "value") -> str:
        return fmt.number(frame.loc[crime, column], lang=lang)

    arrested, charged = (
        fmt.number(arrests["total"].iloc[0], lang=lang),
        fmt.number(prosecuted["total"].iloc[0], lang=lang),
    )
    leading = _leading(arrests, prosecuted, shown, lang)
    direction = _direction(ratio, lang)
    if zh:
        counts = "\n".join(
            f"- {shown[c]}：批准逮捕{count(arrests, c)}人，起诉{count(prosecuted, c)}人"
            for c in arrests.index
        )
        text = (
            f"{counts}\n\n在所报告的罪名中，检察机关共批准逮捕**{arrested}**人，"
            f"起诉**{charged}**人。{leading}\n\n"
        )
        if direction:
            spread = _ratio_range(ratio, shown, lang)
            text += f"每个罪名的起诉人数均{direction}批准逮捕人数，{spread}。"
        else:
            text += f"起诉人数与批准逮捕人数之比因罪名而异，{_ratio_range(ratio, shown, lang)}。"
        return text + (
            "这两组数字并非同一批人：被起诉的人不一定曾被逮捕（许多人取保候审后受审），"
            "案件也会跨年办理，因此两者之比是对工作量的比较，而不是一个比率。"
        )
    counts = "\n".join(
        f"- {shown[crime]}: {count(arrests, crime)} arrests approved, "
        f"{count(prosecuted, crime)} persons prosecuted"
        for crime in arrests.index
    )
    text = (
        f"{counts}\n\n"
        f"Across the crimes reported, procurators approved **{arrested}"
        f"** arrests and prosecuted **{charged}** persons. "
        f"{leading}\n\n"
    )
    if direction:
        text += f"For every crime {direction}: {_ratio_range(ratio, shown)}. "
    else:
        text += f"Persons prosecuted per arrest approved run {_ratio_range(ratio, shown)}. "
    return text + (
        "These counts are not the same cohort: a person prosecuted need not have been "
        "arrested (many are released on bail pending trial), and cases run across years, so "
        "the ratio is a comparison of workloads, not a rate."
    )


def period(
    figures: pd.DataFrame, source: str, labels: Mapping[str, str], lang: str = language.DEFAULT
) -> str:
    """What periods a release's counts cover, what the law shortens, what the source
    leaves unsaid."""
    zh = _zh(lang)
    rows = figures[(figures["source_id"] == source) & figures["period_start"].notna()]
    rows = rows[rows["measure"].isin([ARRESTS, PROSECUTED]) & rows["case"].isna()]
    if rows.empty:
        raise ValueError(f"{source} gives no arrests or prosecutions with a period")
    parts, periods = [], {}
    for (start, end), part in rows.groupby(["period_start", "period_end"], sort=True):
        crimes = tuple(dict.fromkeys(part["crime"]))
        periods.setdefault(crimes, []).append(fmt.period(start, end, lang))
        names = ", ".join(fmt.md_escape(labels[c].lower()) for c in crimes)
        parts.append(f"{fmt.period(start, end)} for {names}")
    if zh:  # each set of crimes once, with its periods: 侵犯公民个人信息罪为2020年、2021年和2022年
        parts = [
            f"{_joined([fmt.md_escape(labels[c]) for c in crimes], lang)}为{_joined(spans, lang)}"
            for crimes, spans in periods.items()
        ]
    text = f"统计期间：{'；'.join(parts)}。" if zh else f"The counts cover {'; '.join(parts)}."
    if rows["period_note"].notna().any():
        text += (
            "来源未载明截止日期，以其发布日期为准。"
            if zh
            else " The source states no end date; its date is used."
        )
    if note := derived(rows, labels, lang):
        text += (
            f"{note}因此，下文的占比、比值和排序比较的是长短不一的期间。"
            if zh
            else f" {note} Shares, ratios and rankings below compare unequal periods."
        )
    return text


def derived(rows: pd.DataFrame, labels: Mapping[str, str], lang: str = language.DEFAULT) -> str:
    """Why a crime's counts cover less than its source says: the offence did not exist."""
    zh = _zh(lang)
    moved = rows[rows["stated_start"].notna() & (rows["stated_start"] != rows["period_start"])]
    sentences = []
    for crime, part in moved.groupby("crime", sort=False):
        first = part.iloc[0]
        stated, start = fmt.day(first["stated_start"], lang), fmt.day(first["period_start"], lang)
        covered = fmt.period(first["period_start"], first["period_end"], lang)
        if zh:
            sentences.append(
                f"来源给出的{fmt.md_escape(labels[crime])}数字自{stated}起算，但该罪自{start}"
                f"起才设立：其数字最多只能涵盖{covered}。{INFERENCES['zh']}"
            )
            continue
        sentences.append(
            f"The source gives {fmt.md_escape(labels[crime].lower())} counts from "
            f"{stated}, but the offence exists only from {start}: its counts can cover at most "
            f"{covered}. This is an inference from the law, not a statement of the source."
        )
    return ("" if zh else " ").join(sentences)


def article(text: str, lang: str = language.DEFAULT) -> str:
    """A legal article as the report's language cites it: 'Art. 253-1', 第253条之一."""
    match = _ARTICLE.fullmatch(text)
    if not _zh(lang):
        return fmt.md_escape(text)
    if match is None:
        return _data_text(text, lang)
    sub = f"之{_ZH_DIGITS[int(match[2]) - 1]}" if match[2] and match[2] != "0" else ""
    return f"第{match[1]}条{sub}"


def legal_basis(crime: Mapping[str, str], lang: str = language.DEFAULT) -> str:
    """The crime's article, its origin in the law and the day it came into force."""
    in_force = fmt.day(pd.Timestamp(crime["in_force"]), lang)
    if _zh(lang):
        legal = (
            f"**法律依据。**《中华人民共和国刑法》{article(crime['article'], lang)}"
            f"（{fmt.md_escape(crime['name_zh'])}），自{in_force}起施行。"
            f"沿革：{_data_text(crime['origin'], lang)}"
        )
        if crime["prosecution_note"]:
            legal += f"；追诉条件：{_data_text(crime['prosecution_note'], lang)}"
        return legal + "。"
    legal = (
        f"**Legal basis.** Criminal Law {fmt.md_escape(crime['article'])} "
        f"({fmt.md_escape(crime['name_zh'])}), "
        f"{fmt.md_escape(crime['origin'])}; in force since {in_force}."
    )
    if crime["prosecution_note"]:
        legal += f" It is {fmt.md_escape(crime['prosecution_note'])}."
    return legal


def release(source: Mapping[str, str], scope_label: str, lang: str = language.DEFAULT) -> str:
    """Which release a report is about: its title, publisher, date and default scope."""
    day = fmt.day(pd.Timestamp(source["date"]), lang)
    if _zh(lang):
        return (
            f"**{fmt.md_escape(source['title_zh'])}**，{fmt.md_escape(source['publisher_zh'])}，"
            f"{day}。除另有说明外，其数字的范围为：{fmt.md_escape(scope_label)}。"
        )
    return (
        f"**{fmt.md_escape(source['title'])}**, {fmt.md_escape(source['publisher'])}, "
        f"{day}. Scope of its figures unless one says "
        f"otherwise: {fmt.md_escape(scope_label)}."
    )


def heading(crime: Mapping[str, str], lang: str = language.DEFAULT) -> str:
    name = fmt.md_escape(crime["name_zh"])
    if _zh(lang):
        return f"## {name} · 刑法{article(crime['article'], lang)}"
    return f"## {name} · Criminal Law {fmt.md_escape(crime['article'])}"


def crime_profile(
    crime: Mapping[str, str], in_context: pd.DataFrame, lang: str = language.DEFAULT
) -> str:
    """One crime's place among the others of one release, from its chart's table; a
    ranking over unequal periods says so."""
    zh = _zh(lang)
    code = crime["code"]
    arrests = _by_measure(in_context, ARRESTS)
    prosecuted = _by_measure(in_context, PROSECUTED)
    place = fmt.rank_phrase(prosecuted["value"].to_dict(), code, lang)
    a_count, p_count = (fmt.number(t.loc[code, "value"], lang=lang) for t in (arrests, prosecuted))
    a_pct, p_pct = (fmt.percent(t.loc[code, "share"], lang=lang) for t in (arrests, prosecuted))
    times = fmt.ratio(prosecuted.loc[code, "per_arrest"], lang=lang)
    if zh:
        text = (
            f"批准逮捕{a_count}人（占所报告罪名批准逮捕总人数的{a_pct}），起诉{p_count}人"
            f"（占起诉总人数的{p_pct}）：起诉人数在所报告的罪名中{place}，"
            f"起诉人数是批准逮捕人数的{times}。"
        )
    else:
        text = (
            f"{a_count} arrests approved ({a_pct} of all arrests approved for the crimes "
            f"reported) and {p_count} persons prosecuted ({p_pct} of all persons prosecuted): "
            f"{place} prosecutions of the crimes reported, with {times}"
            " as many persons prosecuted as arrests approved."
        )
    own = prosecuted.loc[code, ["period_start", "period_end"]].tolist()
    others = prosecuted.drop(index=code)[["period_start", "period_end"]]
    if any(list(row) != own for row in others.itertuples(index=False)):
        covered = fmt.period(*own, lang=lang)
        text += (
            f"其数字涵盖{covered}，与其他罪名的期间不同，因此占比和排序比较的是长短不一的期间。"
            if zh
            else f" Its counts cover {covered}, not the period of the other crimes, so "
            "the shares and the ranking compare unequal periods."
        )
    return text


def _span_line(row, sources: Mapping[str, str], labels: Labels | None, lang: str) -> str:
    """One figure of a span chart's table: count, period, rate per year and release."""
    source = fmt.md_escape(sources.get(row.source_id, row.source_id))
    if lang != "zh":
        return (
            f"- {fmt.number(int(row.value), row.qualifier)} "
            f"{fmt.md_escape(row.measure_label.lower())}, {row.period}, that is "
            f"{row.per_year_text} ({source})"
        )
    measures, units = (labels.measures, labels.units) if labels else ({}, {})
    unit = fmt.md_escape(units.get(row.unit, row.unit))
    rate, decimals = rate_shown(row.per_year, row.qualifier)
    return (
        f"- {fmt.period(row.period_start, row.period_end, lang)}："
        f"{fmt.md_escape(measures.get(row.measure, row.measure))}"
        f"{fmt.number(int(row.value), row.qualifier, lang=lang)}{unit}，即年均"
        f"{fmt.number(rate, row.qualifier, decimals, lang)}{unit}（{source}）"
    )


def over_time(
    table: pd.DataFrame,
    source_labels: Mapping[str, str],
    scope_labels: Mapping[str, str] | None = None,
    lang: str = language.DEFAULT,
    labels: Labels | None = None,
) -> str:
    """Each figure of a span chart with its effective period and rate per year, scope by
    scope and unit by unit: a list, never a sum or a series. A Chinese list names
    measures and units by `labels`."""
    zh = _zh(lang)
    lines = []
    for (scope, unit), rows in table.groupby(["scope", "unit"], sort=False):
        scope_name = fmt.md_escape((scope_labels or {}).get(scope, scope))
        if zh:
            unit_name = (labels.units if labels else {}).get(unit, unit)
            lines.append(f"**{scope_name}（单位：{fmt.md_escape(unit_name)}）：**\n")
        else:
            lines.append(f"**{fmt.md_escape(unit.capitalize())}, {scope_name}:**\n")
        lines += [_span_line(row, source_labels, labels, lang) for row in rows.itertuples()]
        lines.append("")
    return "\n".join(lines).strip()


def reading_of(printed: str, corrected: str, lang: str = language.DEFAULT) -> list[str]:
    """A quote as printed and, where the ledger corrects it, its corrected reading."""
    zh = _zh(lang)
    lines = [f"{'原文：' if zh else 'As printed: '}{_quoted(printed, lang)}"]
    if " ".join(corrected.split()) != " ".join(printed.split()):
        lead = "更正后的读法：" if zh else "Corrected reading: "
        lines.append(f"{lead}{_quoted(corrected, lang)}")
    return lines


def _chinese(rows: pd.DataFrame, lang: str = language.DEFAULT) -> list[str]:
    """The Chinese wording the sources give for the figures of one quote, with who gives it."""
    found = rows.dropna(subset=["wording_zh"]).drop_duplicates(["wording_zh"])
    if _zh(lang):
        return [
            f"中文报道原文：{'；'.join(fmt.md_escape(w) for w in group['wording_zh'])}；"
            f"出处：{_data_text(source, lang)}"
            for source, group in found.groupby("wording_zh_source", sort=False)
        ]
    return [
        f"Chinese wording: {'; '.join(fmt.md_escape(w) for w in group['wording_zh'])} "
        f"({fmt.md_escape(source)})"
        for source, group in found.groupby("wording_zh_source", sort=False)
    ]


def quotes(rows: pd.DataFrame, lang: str = language.DEFAULT) -> str:
    """The source's own words for a set of figures, as a Markdown list: each quote as
    printed, its corrected reading from the ledger, and the Chinese wording where known,
    each on its own line; a Chinese report puts the Chinese wording first."""
    zh = _zh(lang)
    items = []
    for quote, group in rows.groupby("quote", sort=False):
        readings = reading_of(quote, group["quote_reading"].iloc[0], lang)
        chinese = _chinese(group, lang)
        items.append(chinese + readings if zh else readings + chinese)
    lines = ["- " + "  \n  ".join(item) for item in items]
    if lines:
        return "\n".join(lines)
    if zh:
        return "_来源本身没有给出这方面的数字。_"
    return "_The source states no figure of its own for this._"


def _reads_per_hour(row, lang: str) -> str:
    """Reads an hour in Chinese, as the chart's table computes it: a lower bound's rate
    rounded down, never up, so that it stays true."""
    rate = float(row["reads_per_hour"])
    whole = int(rate) if row["qualifier"] == fmt.MORE_THAN else int(fmt.rounded(rate, 0))
    return fmt.rate(whole, "小时", "次", row["qualifier"], lang=lang)


def online_spread(
    table: pd.DataFrame, case_labels: Mapping[str, str], lang: str = language.DEFAULT
) -> str:
    """The reach of the guiding cases, with what the bounds allow."""
    zh = _zh(lang)
    reads = table[table["measure"] == "reads"].set_index("case")
    discussions = table[table["measure"] == "discussions"].set_index("case")
    parts = []
    for case, row in reads.iterrows():
        reads_text = fmt.number(row["value"], row["qualifier"], lang=lang)
        windowed = pd.notna(row["window_hours"])
        hours = fmt.number(row["window_hours"], lang=lang) if windowed else ""
        if zh:
            text = f"**{fmt.md_escape(case_labels[case])}**："
            text += (
                f"{hours}小时内阅读{reads_text}次，即平均{_reads_per_hour(row, lang)}"
                if windowed
                else f"阅读{reads_text}次"
            )
        else:
            text = f"**{fmt.md_escape(case_labels[case])}**: {reads_text} reads"
            if windowed:
                text += f" within {hours} hours, that is {row['reads_per_hour_text']}"
        if case in discussions.index:
            d = discussions.loc[case]
            counted = fmt.number(d["value"], d["qualifier"], lang=lang)
            text += (
                f"，话题讨论{counted}人次" if zh else f", and {counted} person-times of discussion"
            )
        parts.append(text + ("。" if zh else "."))
    return "\n\n".join(parts)


def sentences_with(
    document: str, word: str, read: Callable[[str], str] = str, lang: str = language.DEFAULT
) -> str:
    """The source's sentences on a theme, each quoted verbatim as printed, with the
    corrected reading `read` gives (the ledger's) where it differs."""
    sentences = re.split(r"(?<=[.!?])\s+|(?<=[。！？])", document)
    chosen = [s for s in sentences if word.casefold() in s.casefold()]
    return "\n\n".join("> " + "  \n> ".join(reading_of(s, read(s), lang)) for s in chosen)


def _figure_subject(row, labels: Labels, lang: str = language.DEFAULT) -> str:
    """What a figure counts, as a reader names it: measure, then crime or case."""
    if lang == "zh":
        measure = labels.measures.get(row.measure, row.measure)
        if pd.notna(row.case):
            return f"{labels.cases.get(row.case, '某一案件')}，{measure}"
        return f"{labels.crime(row.crime)}，{measure}" if pd.notna(row.crime) else measure
    subject = f"{row.measure_label.capitalize()}"
    if pd.notna(row.case):
        return f"{subject}, {labels.cases.get(row.case, 'a case')}"
    if pd.notna(row.crime):
        return f"{subject}, {labels.crime(row.crime).lower()}"
    return subject


def _figure_line_zh(f, labels: Labels, at: Mapping[str, tuple]) -> str:
    """The appendix's record of one figure in Chinese; English notes of the data are
    marked as English wording."""
    scope = labels.scopes.get(f.scope, "未注明范围")
    line = (
        f"- **{fmt.md_escape(_figure_subject(f, labels, 'zh'))}**：原文{_quoted(f.raw, 'zh')}，"
        f"读作{fmt.number(f.value, f.qualifier, lang='zh')}{fmt.md_escape(labels.unit(f.unit))}，"
        f"{fmt.md_escape(scope)}；{'；'.join(reading_of(f.quote, f.quote_reading, 'zh'))}"
        f"（第{f.quote_start}至{f.quote_end}个字符）"
    )
    if pd.notna(f.wording_zh):
        source = _data_text(f.wording_zh_source, "zh")
        line += f"；中文报道原文{fmt.md_escape(f.wording_zh)}，出处：{source}"
    if pd.notna(f.period_start):
        line += f"；期间{fmt.period(f.period_start, f.period_end, 'zh')}"
    if pd.notna(f.derived_note):
        line += f"；说明：{_data_text(f.derived_note, 'zh')}"
    if pd.notna(f.repeats):
        start, end = at.get(f.repeats, ("?", "?"))
        line += f"；与第{start}至{end}个字符所载为同一数字"
    line += "。"
    if f.corroboration_note:
        line += f"核实情况：{_data_text(f.corroboration_note, 'zh')}"
    return line


def _figure_line_en(f, labels: Labels, at: Mapping[str, tuple]) -> str:
    """The appendix's record of one figure in English."""
    scope = labels.scopes.get(f.scope, "scope not named")
    line = (
        f"- **{fmt.md_escape(_figure_subject(f, labels))}**: printed {fmt.md_escape(f.raw)}, "
        f"read as {fmt.number(f.value, f.qualifier)} {fmt.md_escape(f.unit)}, "
        f"{fmt.md_escape(scope)}; {'; '.join(reading_of(f.quote, f.quote_reading))} "
        f"(characters {f.quote_start} to {f.quote_end})"
    )
    if pd.notna(f.wording_zh):
        line += (
            f"; Chinese wording {fmt.md_escape(f.wording_zh)} "
            f"({fmt.md_escape(f.wording_zh_source)})"
        )
    if pd.notna(f.period_start):
        line += f"; period {fmt.period(f.period_start, f.period_end)}"
    if pd.notna(f.derived_note):
        line += f" ({fmt.md_escape(f.derived_note)})"
    if pd.notna(f.repeats):
        start, end = at.get(f.repeats, ("?", "?"))
        line += f"; the same figure as stated at characters {start} to {end}"
    return f"{line}. {fmt.md_escape(f.corroboration_note or '')}".rstrip()


def figure_list(figures: pd.DataFrame, labels: Labels, lang: str = language.DEFAULT) -> str:
    """The appendix's record of each figure: what it counts, as printed, as read, where,
    and how sure; named by measure and crime, never by an internal id."""
    at = {row.figure_id: (row.quote_start, row.quote_end) for row in figures.itertuples()}
    line_of = _figure_line_zh if _zh(lang) else _figure_line_en
    ordered = figures.sort_values("quote_start", kind="stable").itertuples()
    return "\n".join(line_of(f, labels, at) for f in ordered)


def figures_by_source(figures: pd.DataFrame, labels: Labels, lang: str = language.DEFAULT) -> str:
    """The appendix's figures, one section per source headed by its title, publisher and
    date (escaped like any text from the data)."""
    unnamed = "未注明来源" if _zh(lang) else "Source not named"
    return "\n\n".join(
        f"### {fmt.md_escape(labels.sources.get(source_id, unnamed))}\n\n"
        f"{figure_list(rows, labels, lang)}"
        for source_id, rows in figures.groupby("source_id", sort=True)
    )
