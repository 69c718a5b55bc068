"""The data step on the real sources: every figure of the text is there, typed,
located and checked."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from report_lib.data import dataset
from report_lib.data.numbers import number_spans, parse_quantity

DATA = Path(__file__).resolve().parents[1] / "data"
PRESS = "spp-2022-02-21"


def _paths(data: Path) -> dataset.Paths:
    return dataset.Paths(data / "raw", data / "reference", data / "corrections.csv")


@pytest.fixture(scope="module")
def built() -> dataset.Dataset:
    return dataset.build(_paths(DATA))


def _documents() -> dict[str, str]:
    return {
        folder.name: next(folder.glob("*.txt")).read_text(encoding="utf-8")
        for folder in (DATA / "raw").iterdir()
    }


def test_every_quote_stands_at_its_offsets_and_holds_its_value(built):
    documents = _documents()
    for f in built.figures.itertuples():
        document = documents[f.source_id]
        assert document[f.quote_start : f.quote_end] == f.quote
        assert document[f.raw_start : f.raw_end] == f.raw
        assert f.quote_start <= f.raw_start and f.raw_end <= f.quote_end
        assert parse_quantity(f.raw).value == f.value


def test_every_number_of_every_document_is_accounted_for(built):
    documents = _documents()
    coverage = built.checks[built.checks["check"] == "coverage"]
    for source_id, document in documents.items():
        spans = number_spans(document)
        assert len(coverage[coverage["source_id"] == source_id]) == len(spans)


@pytest.mark.parametrize(
    ("measure", "crime", "value"),
    [
        ("arrests_approved", "insult_defamation", 168),
        ("arrests_approved", "personal_information", 12410),
        ("arrests_approved", "heroes_martyrs", 12),
        ("persons_prosecuted", "insult_defamation", 213),
        ("persons_prosecuted", "personal_information", 21923),
        ("persons_prosecuted", "heroes_martyrs", 15),
    ],
)
def test_the_six_counts_match_the_checked_facts(built, measure, crime, value):
    f = built.figures
    rows = f[(f.source_id == PRESS) & (f.measure == measure) & (f.crime == crime)]
    assert set(rows["value"]) == {value}
    assert set(rows["unit"]) == {"persons"}
    assert set(rows["scope"]) == {"all"}
    assert set(rows["qualifier"]) == {"exact"}
    assert rows["corroborated"].all()
    assert (rows["stated_start"] == pd.Timestamp("2019-01-01")).all()
    assert (rows["period_end"] == pd.Timestamp("2022-02-21")).all()
    assert rows["period_note"].str.contains("No end stated").all()
    effective = "2021-03-01" if crime == "heroes_martyrs" else "2019-01-01"
    assert (rows["period_start"] == pd.Timestamp(effective)).all()


def test_no_count_starts_before_its_offence_existed(built):
    f = built.figures
    crimes = pd.read_csv(DATA / "reference" / "crimes.csv").set_index("code")
    counted = f[f.crime.notna() & f.case.isna() & f.period_start.notna()]  # counts, not cases
    in_force = pd.to_datetime(counted.crime.map(crimes.in_force))
    assert (counted.period_start >= in_force).all()
    moved = f[f.derived_note.notna()]
    assert (moved.period_start == pd.to_datetime(moved.crime.map(crimes.in_force))).all()
    assert moved.derived_note.str.contains("inference from the law, not a statement").all()


def test_the_press_conference_s_heroes_counts_start_when_art_299_1_came_into_force(built):
    f = built.figures
    rows = f[(f.source_id == PRESS) & (f.crime == "heroes_martyrs") & f.case.isna()]
    assert len(rows) >= 2
    assert (rows["period_start"] == pd.Timestamp("2021-03-01")).all()
    assert rows["derived_note"].str.contains("inference from the law, not a statement").all()


def test_online_reach_of_the_two_guiding_cases(built):
    f = built.figures.set_index("figure_id")
    assert (
        f.loc["reads_case_136", ["value", "qualifier", "case"]] == [130000, "more_than", "gc136"]
    ).all()
    assert f.loc["reach_window_case_136", "unit"] == "hours"
    assert f.loc["reach_window_case_136", "value"] == 5
    assert f.loc["reads_case_137", "value"] == 470_000_000
    assert f.loc["discussions_case_137", "unit"] == "person-times"
    assert f.loc["reads_case_136", "crime"] == "heroes_martyrs"


def test_english_text_only_figures_are_marked_uncorroborated(built):
    f = built.figures.set_index("figure_id")
    for figure_id in ("cases_supervised", "punishment_days_chen"):
        assert not f.loc[figure_id, "corroborated"]
        assert "English text only" in f.loc[figure_id, "corroboration_note"]


def test_the_repeated_213_is_marked_and_agrees(built):
    f = built.figures
    repeated = f[f["repeats"].notna()]
    assert list(repeated["figure_id"]) == ["prosecuted_insult_defamation"]
    first = f.set_index("figure_id").loc[repeated["repeats"].iloc[0]]
    assert first["value"] == repeated["value"].iloc[0] == 213


def test_corrections_come_from_the_ledger(built):
    f = built.figures.set_index("figure_id")
    assert f.loc["arrests_heroes_martyrs", "crime"] == "heroes_martyrs"
    assert "C1" in f.loc["arrests_heroes_martyrs", "corrections"].split(";")
    assert "honor and honor" in f.loc["arrests_heroes_martyrs", "quote"]  # quotes stay verbatim


def test_later_releases_keep_their_bounds_and_periods(built):
    f = built.figures.set_index("figure_id")
    later = f.loc[
        [
            "prosecuted_personal_information_2020",
            "prosecuted_personal_information_2021",
            "prosecuted_personal_information_2022",
            "arrests_personal_information_2019_2022",
            "prosecuted_personal_information_2019_2022",
        ]
    ]
    assert later.loc["prosecuted_personal_information_2021", "value"] == 9800
    assert later.loc["arrests_personal_information_2019_2022", "value"] == 13000
    assert (later["qualifier"] == "more_than").all()
    assert f.loc["prosecuted_insult_defamation_2023", "qualifier"] == "exact"
    assert f.loc["prosecuted_insult_defamation_2023", "period_end"] == pd.Timestamp("2023-11-30")


def test_the_personal_information_charge_dates_from_amendment_ix():
    from report_lib.data.reference import load_reference

    crime = load_reference(DATA / "reference").crimes.rows["personal_information"]
    assert crime["in_force"] == "2015-11-01"
    assert crime["introduced_by"] == "Criminal Law Amendment IX"


def test_processed_files_round_trip_with_types(built, tmp_path):
    dataset.write(built, tmp_path)
    loaded = dataset.load_figures(tmp_path)
    assert str(loaded["value"].dtype) == "Int64"
    assert str(loaded["period_start"].dtype).startswith("datetime64")
    assert loaded["figure_id"].tolist() == built.figures["figure_id"].tolist()


def test_committed_processed_data_is_up_to_date(built, tmp_path):
    dataset.write(built, tmp_path)
    for path in tmp_path.iterdir():
        assert path.read_bytes() == (DATA / "processed" / path.name).read_bytes(), path.name


def test_second_write_touches_nothing(built, tmp_path):
    assert dataset.write(built, tmp_path)
    assert dataset.write(built, tmp_path) == []
