"""Editing data/metrics.toml changes ratings: a changed polarity moves an area's rank. When the store
is built with a register that differs from the one it was last built with (`scorecard init`, or the
dashboard starting), every difference is in the audit trail, measure by measure and field by field,
and the Data and sources page says so (issue 17)."""

from __future__ import annotations

import shutil

import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from scorecard import audit, config, register_changes, seed, store
from scorecard.register import metrics_from_store

from ..rendered import shown

POLARITY = ('id = "ehcp_20wk_pct"', 'polarity = "higher"')


@pytest.fixture
def edited_register(tmp_path, monkeypatch):
    """A copy of the register and sources files that the test may edit, used in place of data/'s."""
    folder = tmp_path / "register"
    folder.mkdir()
    for name in ("metrics.toml", "sources.toml"):
        shutil.copy(config.DATA_DIR / name, folder / name)
    monkeypatch.setattr(config, "REGISTER_FILE", folder / "metrics.toml")
    monkeypatch.setattr(config, "SOURCES_FILE", folder / "sources.toml")

    def edit(old: str, new: str, after: str = "") -> None:
        path = folder / "metrics.toml"
        text = path.read_text(encoding="utf-8")
        at = text.index(after) if after else 0
        assert old in text[at:], old
        path.write_text(text[:at] + text[at:].replace(old, new, 1), encoding="utf-8")

    return edit


def _register_rows(con) -> list[tuple]:
    return con.execute("SELECT subject, old_value, new_value, detail, how FROM audit_event WHERE action = ? "
                       "ORDER BY id", [audit.REGISTER_CHANGED]).fetchall()


def test_a_changed_polarity_brought_in_by_init_is_recorded_old_and_new(con, edited_register):
    assert seed.init(con) and _register_rows(con) == []  # the same register: nothing to say
    edited_register('polarity = "higher"', 'polarity = "lower"', after=POLARITY[0])
    seed.init(con)
    assert metrics_from_store(con)["ehcp_20wk_pct"].polarity == "lower"
    rows = _register_rows(con)
    assert rows == [("ehcp_20wk_pct", "polarity: higher", "polarity: lower", "changed: polarity", "data/metrics.toml")]
    seed.init(con)  # brought in once: a second init records nothing more
    assert len(_register_rows(con)) == 1


def test_several_fields_and_a_theme_are_each_named(con, edited_register):
    edited_register('decimals = 1', 'decimals = 2', after=POLARITY[0])
    edited_register('polarity = "higher"', 'polarity = "context"', after=POLARITY[0])
    edited_register('title = "Timeliness"', 'title = "Timeliness of plans"')
    seed.init(con)
    rows = {r[0]: r for r in _register_rows(con)}
    assert rows["ehcp_20wk_pct"][1:4] == ("decimals: 1; polarity: higher", "decimals: 2; polarity: context",
                                          "changed: decimals, polarity")
    themes = rows["the register's themes"]
    assert "timeliness: Timeliness (send_service)" in themes[1] and "timeliness: Timeliness of plans" in themes[2]
    assert ": 1 measure (ehcp_20wk_pct) and its themes." in register_changes.sentence(con)


def test_the_data_page_says_the_register_changed(db_path, edited_register, monkeypatch):
    con = store.connect(str(db_path))
    edited_register('polarity = "higher"', 'polarity = "lower"', after=POLARITY[0])
    seed.init(con)
    changes = register_changes.recent(con)
    con.close()
    assert list(changes["Measure"]) == ["ehcp_20wk_pct"] and list(changes["Now"]) == ["polarity: lower"]
    monkeypatch.setenv("SCORECARD_DB", str(db_path))
    streamlit.cache_data.clear()
    streamlit.cache_resource.clear()
    at = AppTest.from_file("../../app_pages/data_sources.py", default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    warnings = [shown(w.value) for w in at.warning]
    assert any("The metric register (data/metrics.toml) was changed, and the store rebuilt with it" in w
               and "1 measure (ehcp_20wk_pct)" in w for w in warnings), warnings
    streamlit.cache_resource.clear()
