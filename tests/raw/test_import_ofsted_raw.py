"""Both Ofsted area SEND files as published: every row read, every area matched."""

from scorecard import access, inspections
from scorecard.importers import SourceFile, read_file
from tests.conftest import raw_path

ODS = "sendap/ofsted/Area_SEND_inspection_data_01_May_2016_to_31_August_2022.ods"
CSV = "sendap/ofsted/mi_ofsted_winter_2223.csv"
ADMIN = access.command_line("test")


def test_the_2016_framework_table(empty_ctx):
    plan = read_file(SourceFile.from_path(raw_path(ODS)), empty_ctx)
    visits = plan.inspections
    assert not plan.warnings, [str(w) for w in plan.warnings]
    assert (visits["visit"] == "inspection").sum() == 149  # the sheet's 149 areas, each matched by its code
    assert visits["area_code"][visits["visit"] == "inspection"].is_unique
    assert visits["action_plan_required"][visits["visit"] == "inspection"].value_counts().to_dict() == {True: 82,
                                                                                                           False: 67}
    revisits = visits[visits["visit"] == "revisit"]
    assert len(revisits) == 46 and revisits["outcome"].value_counts().to_dict() == {
        "Sufficient progress in addressing some significant weaknesses": 24,
        "Sufficient progress in addressing all significant weaknesses": 20,
        "Insufficient progress in addressing any significant weaknesses": 2}
    assert (visits["note"] == "Not revisited yet").sum() == 36


def test_the_2023_framework_csv(empty_ctx, empty_con):
    from scorecard import ingest

    plan = read_file(SourceFile.from_path(raw_path(CSV)), empty_ctx)
    assert not plan.warnings and len(plan.inspections) == 16
    assert plan.inspections["action_plan_required"].sum() == 5
    ingest.commit(empty_con, plan, actor=ADMIN)
    ingest.commit(empty_con, read_file(SourceFile.from_path(raw_path(ODS)), empty_ctx), actor=ADMIN)
    cornwall = inspections.history(empty_con, ["E06000052"])
    assert [(r.start_date.year, r.outcome) for r in cornwall] == [
        (2017, "No written statement of action required"), (2023, "Inconsistent experiences and outcomes")]
