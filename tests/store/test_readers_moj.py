"""The MoJ appeal-rate readers on committed cuts of the real table (tests/fixtures/moj): the CSV
(2014-2024, LA numbers, text percentages) and the ODS edition (2014-2022, names only, rates as
fractions), with their quirks: footnote digits, region headings, nil dashes, '..', the rotated
Northamptonshire / Nottingham / Nottinghamshire numbers, and the notes under the table."""

import io
import re
import zipfile

import pandas as pd
import pytest

from scorecard import ingest, queries
from scorecard.importers import moj_tribunal, read_file
from tests.conftest import fixture_file

from scorecard import access  # noqa: E402

ADMIN = access.command_line("test")

CSV = "moj/SEND Tribunals and appeal rate 2014-2024.csv"
ODS = "moj/send_appeal_rate_table_2022.ods"


def _row(plan, metric, area, period) -> pd.Series:
    v = plan.values
    match = v[(v["metric_id"] == metric) & (v["area_code"] == area) & (v["period_label"] == period)]
    assert len(match) == 1, f"{metric} {area} {period}: {len(match)} rows"
    return match.iloc[0]


@pytest.fixture
def csv_plan(empty_ctx):
    return read_file(fixture_file(CSV), empty_ctx)


@pytest.fixture
def ods_plan(empty_ctx):
    return read_file(fixture_file(ODS), empty_ctx)


def test_csv_rates_with_their_counts(csv_plan):
    assert csv_plan.format == moj_tribunal.FORMAT_CSV and csv_plan.source_id == "moj-send-appeal-rate-2024"
    assert sorted(csv_plan.periods) == [str(y) for y in range(2014, 2025)]
    durham = _row(csv_plan, "tribunal_appeal_rate_pct", "E06000047", "2014")
    assert (durham.value, durham.numerator, durham.denominator, durham.status) == (1.3, 34, 2533, "published")
    assert (durham.source_row, durham.source_column, durham.published_area) == (
        8, "2014 SEND Tribunal Appeal Rate", "Durham")
    plymouth = _row(csv_plan, "tribunal_appeal_rate_pct", "E06000026", "2024")
    assert (plymouth.value, plymouth.numerator, plymouth.denominator) == (8.2, 252, 3089)
    assert _row(csv_plan, "tribunal_appeals", "E06000026", "2024").value == 252
    assert _row(csv_plan, "tribunal_appealable_decisions", "E06000026", "2024").source_column == \
        "2024 Total Appealable Decisions"


def test_csv_in_development_columns_are_separate_measures(csv_plan):
    durham = _row(csv_plan, "tribunal_appeal_rate_dev_pct", "E06000047", "2024")
    assert (durham.value, durham.numerator, durham.denominator) == (11.0, 344, 3124)
    assert _row(csv_plan, "tribunal_appealable_decisions_dev", "E06000047", "2024").value == 3124
    assert _row(csv_plan, "tribunal_appeal_rate_pct", "E06000047", "2024").value == 5.9
    plymouth = _row(csv_plan, "tribunal_appeal_rate_dev_pct", "E06000026", "2024")  # " x "
    assert plymouth.status == "not_available" and pd.isna(plymouth.value)
    assert not (csv_plan.values["metric_id"].str.endswith("_dev_pct") & (csv_plan.values["period_label"] != "2024")).any()


def test_csv_symbols_nil_dash_and_dots(csv_plan):
    hartlepool = _row(csv_plan, "tribunal_appeals", "E06000001", "2014")  # " - "
    assert (hartlepool.value, hartlepool.status) == (0, "published")
    cumbria = _row(csv_plan, "tribunal_appeals", "E10000006", "2023")  # " .. " after Cumbria was abolished
    assert cumbria.status == "not_available" and pd.isna(cumbria.value)
    cumberland = csv_plan.values[csv_plan.values["area_code"] == "E06000063"]
    assert set(cumberland["period_label"]) == {"2023", "2024"}, "'..' before Cumberland existed is not stored"
    assert _row(csv_plan, "tribunal_appeals", "E06000063", "2023").value == 29


def test_csv_boundary_changes(csv_plan):
    assert _row(csv_plan, "tribunal_appeals", "E10000009", "2014").value == 20  # Dorset6, before 2019: the county
    assert _row(csv_plan, "tribunal_appeals", "E06000059", "2019").value == 57
    assert csv_plan.values[(csv_plan.values["area_code"] == "E06000059")]["period_label"].min() == "2019"
    assert _row(csv_plan, "tribunal_appeals", "E06000028", "2014").value == 10  # Bournemouth5: no LA number
    assert _row(csv_plan, "tribunal_appeals", "E06000058", "2019").value == 29  # BCP


def test_csv_rotated_la_numbers_are_read_by_name_with_a_warning(csv_plan):
    assert _row(csv_plan, "tribunal_appeals", "E10000021", "2014").value == 41  # Northamptonshire7, numbered 892
    assert _row(csv_plan, "tribunal_appeals", "E06000018", "2014").value == 18  # Nottingham, numbered 891
    assert _row(csv_plan, "tribunal_appeals", "E10000024", "2014").value == 47  # Nottinghamshire, numbered 928
    assert [(w.row, w.column, w.severity) for w in csv_plan.warnings] == [
        (16, "LA code", "warning"), (17, "LA code", "warning"), (18, "LA code", "warning"),
        (21, "LA code", "warning"), (25, "LA code", "warning")]
    assert str(csv_plan.warnings[0]) == (
        f"{CSV.split('/')[1]}, row 16, column 'LA code': data-quality problem: LA number 892 is Nottingham, "
        "but the row is named 'Northamptonshire7' (Northamptonshire, LA 928). Nottingham has its own row (17), "
        "so this row is taken as Northamptonshire by its name. Report it to the publisher.")
    assert csv_plan.warnings[3].message == "no LA number for 'Bournemouth5'; matched by name to Bournemouth"


def test_csv_england_rows_and_notes(csv_plan):
    england = _row(csv_plan, "tribunal_appeal_rate_pct", "E92000001", "2014")
    assert (england.value, england.numerator, england.denominator, england.published_area) == (
        1.6, 4108, 251096, "England Total4,9")
    assert csv_plan.skipped == [f"{CSV.split('/')[1]}: row 27 (England total excluding suppressed) is an "
                                "alternative England total, not stored"]
    assert csv_plan.values["source_row"].max() == 26, "nothing is read from the notes under the table"
    assert len(csv_plan.values) == 461


def test_csv_rotated_rows_are_refused_when_the_named_area_has_no_row_of_its_own(empty_ctx):
    """Without Nottingham's own row, a row named Northamptonshire but numbered 892 (Nottingham)
    cannot be resolved: the file is refused, naming the row and column."""
    source = fixture_file(CSV)
    text = source.data.decode("utf-8-sig")
    cut = "\r\n".join(line for line in text.split("\r\n") if not line.startswith("Nottingham,"))
    with pytest.raises(moj_tribunal.ImportFailure) as failure:
        moj_tribunal.read_csv(type(source)(source.name, cut.encode()), empty_ctx)
    assert f"{source.name}, row 16, column 'LA code': LA number 892 is Nottingham but the name is " \
           "'Northamptonshire7' (Northamptonshire); cannot tell which is right" in str(failure.value)


def test_ods_rates_are_fractions_shown_as_percentages(ods_plan):
    assert ods_plan.format == moj_tribunal.FORMAT_ODS and ods_plan.source_id == "moj-send-appeal-rate-2022"
    assert sorted(ods_plan.periods) == [str(y) for y in range(2014, 2023)]
    durham = _row(ods_plan, "tribunal_appeal_rate_pct", "E06000047", "2014")
    assert durham.value == pytest.approx(100 * 34 / 2533) and (durham.numerator, durham.denominator) == (34, 2533)
    assert (durham.source_row, durham.source_column) == (8, "2014 SEND Tribunal Appeal Rate")
    plymouth = _row(ods_plan, "tribunal_appeal_rate_pct", "E06000026", "2022")
    assert plymouth.value == pytest.approx(100 * 155 / 2691)
    assert _row(ods_plan, "tribunal_appeals", "E06000005", "2014").value == 0  # Darlington: 0 shown as " - "
    england = _row(ods_plan, "tribunal_appeals", "E92000001", "2014")
    assert (england.value, england.published_area) == (4108, "England Total4")
    assert ods_plan.warnings == [] and ods_plan.skipped == []


def test_ods_names_only_and_boundary_changes(ods_plan):
    assert _row(ods_plan, "tribunal_appeals", "E10000009", "2014").value == 20  # Dorset6 before 2019
    assert _row(ods_plan, "tribunal_appeals", "E10000021", "2014").value == 41  # Northamptonshire7
    assert _row(ods_plan, "tribunal_appeals", "E06000018", "2014").value == 18  # Nottingham
    assert _row(ods_plan, "tribunal_appeals", "E06000061", "2021").value == 50  # North Northamptonshire7
    north = ods_plan.values[ods_plan.values["area_code"] == "E06000061"]
    assert set(north["period_label"]) == {"2021", "2022"}


def test_ods_percent_scale_is_confirmed_by_the_counts(empty_ctx):
    """An edition whose rate cells hold percentages (1.34, not 0.0134) is not multiplied by 100:
    the scale is voted on by appeals / decisions in every row."""
    source = fixture_file(ODS)
    archive = zipfile.ZipFile(io.BytesIO(source.data))
    content = archive.read("content.xml").decode("utf-8")
    as_percent = re.sub(r'office:value-type="percentage" office:value="([^"]+)"',
                        lambda m: f'office:value-type="float" office:value="{float(m.group(1)) * 100!r}"', content)
    assert as_percent != content
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in archive.infolist():
            z.writestr(info, as_percent if info.filename == "content.xml" else archive.read(info))
    plan = moj_tribunal.read_ods(type(source)(source.name, out.getvalue()), empty_ctx)
    assert _row(plan, "tribunal_appeal_rate_pct", "E06000047", "2015").value == pytest.approx(100 * 14 / 2688)


def test_both_editions_imported_the_newer_wins(empty_con):
    ingest.import_source(empty_con, fixture_file(ODS), actor=ADMIN)
    ingest.import_source(empty_con, fixture_file(CSV), actor=ADMIN)
    history = queries.value_history(empty_con, "tribunal_appeal_rate_pct", "E06000047", "2014")
    assert set(history["source_id"]) == {"moj-send-appeal-rate-2022", "moj-send-appeal-rate-2024"}
    current = history[history["is_current"]].iloc[0]
    assert current.source_id == "moj-send-appeal-rate-2024" and current.value == 1.3
