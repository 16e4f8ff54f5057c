"""Page tier: the app runs through Streamlit's AppTest with no exception."""

from streamlit.testing.v1 import AppTest


def test_app_opens_on_real_figures(db_path, monkeypatch):
    monkeypatch.setenv("SCORECARD_DB", str(db_path))
    at = AppTest.from_file("../app.py", default_timeout=60).run()
    assert not at.exception
    assert any("Plymouth" in str(s.value) for s in at.selectbox)
