import pytest

from scorecard import register

REQUIRED_IDS = {"ehcp_20wk_pct", "ehcp_20wk_incl_exc_pct", "tribunal_appeals", "tribunal_appeal_rate_pct",
                "ehe_anytime", "perm_staff_pct"}


def test_register_has_the_ids_other_tools_rely_on():
    ids = {m.id for m in register.load_register()}
    assert REQUIRED_IDS <= ids


def test_every_metric_is_well_formed():
    for m in register.load_register():
        assert m.unit in register.UNITS and m.polarity in register.POLARITIES
        assert m.description, m.id
        if m.national:  # national figures come through the register, or the MoJ table's own reader
            assert m.reads or m.derived_from or m.id.startswith("tribunal_"), m.id


def test_local_only_metrics_have_no_national_source():
    metrics = {m.id: m for m in register.load_register()}
    for mid in ("perm_staff_pct", "ehcp_20wk_term_pct", "tribunal_appeals_term", "complaints_received",
                "annual_reviews_on_time_pct"):
        assert not metrics[mid].national and not metrics[mid].reads


def test_bad_definitions_are_refused_with_the_metric_named():
    with pytest.raises(register.RegisterError, match="my_metric.*unit"):
        register.metric_from_dict({"id": "my_metric", "name": "x", "unit": "furlongs", "polarity": "higher"})
    with pytest.raises(register.RegisterError, match="polarity"):
        register.metric_from_dict({"id": "my_metric", "name": "x", "unit": "%", "polarity": "up"})
    with pytest.raises(register.RegisterError, match="id"):
        register.metric_from_dict({"id": "My Metric", "name": "x", "unit": "%", "polarity": "higher"})


def test_register_round_trips_through_the_store(con):
    stored = register.metrics_from_store(con)
    from_file = {m.id: m for m in register.load_register()}
    assert stored["ehcp_20wk_pct"].reads == from_file["ehcp_20wk_pct"].reads
    assert stored["ehcp_20wk_pct"].breaks == from_file["ehcp_20wk_pct"].breaks
