"""The Targets page's editors for a board's own themes and, for each measure, its theme and its
accountable partner (scorecard.board_setup). The frames and their reading back are plain functions,
so they are tested without Streamlit; `show` only lays them out."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from .. import board_setup
from ..register import PARTNERS, Metric, Theme
from ..text_safety import plain
from . import data
from .admin import editor_rows

THEME_COLUMNS = ["id", "title", "partner"]
MEASURE_COLUMNS = ["id", "measure", "theme", "partner"]
PARTNER_BY_TITLE = {title: key for key, title in PARTNERS.items()}


def themes_frame(themes: list[Theme]) -> pd.DataFrame:
    return pd.DataFrame([{"id": t.id, "title": t.title, "partner": PARTNERS.get(t.partner, t.partner)}
                         for t in themes], columns=THEME_COLUMNS)


def measures_frame(metrics: dict[str, Metric], settings: dict[str, board_setup.MeasureSetting]) -> pd.DataFrame:
    return pd.DataFrame([{"id": m.id, "measure": m.name, "theme": settings[m.id].theme,
                          "partner": PARTNERS.get(settings[m.id].partner, settings[m.id].partner)}
                         for m in metrics.values() if m.on_scorecard], columns=MEASURE_COLUMNS)


def _partner(title, where: str) -> str:
    if title is None:
        raise board_setup.BoardSetupError(f"{where}: choose a partner")
    if title not in PARTNER_BY_TITLE:
        raise board_setup.BoardSetupError(f"{where}: the partner must be one of {', '.join(PARTNERS.values())}")
    return PARTNER_BY_TITLE[title]


def themes_from_editor(edited: pd.DataFrame) -> list[Theme]:
    out = []
    for i, r in enumerate(editor_rows(edited).to_dict("records"), start=1):
        if all(r.get(c) is None for c in THEME_COLUMNS):
            continue
        out.append(Theme(str(r.get("id") or "").strip(), str(r.get("title") or ""), _partner(r.get("partner"),
                                                                                                f"theme row {i}")))
    return out


def settings_from_editor(edited: pd.DataFrame) -> list[board_setup.MeasureSetting]:
    return [board_setup.MeasureSetting(str(r["id"]), str(r.get("theme") or ""),
                                       _partner(r.get("partner"), f"measure {r.get('measure') or r['id']}"))
            for r in editor_rows(edited).to_dict("records")]


def save(con, area_code: str, themes: pd.DataFrame, measures: pd.DataFrame, metrics: dict[str, Metric],
         *, actor) -> str:
    chosen = themes_from_editor(themes)
    board_setup.save(con, area_code, chosen, settings_from_editor(measures), metrics, actor=actor)
    return f"Saved {len(chosen)} themes and each measure's theme and accountable partner."


def show(area, metrics: dict[str, Metric], version: int, actor) -> None:
    st.header("Themes and accountable partners")
    st.markdown("The themes group the measures that are not in a priority area. Each measure has a partner "
                "accountable to the board for it (the local authority's SEND service, health (ICB), social care, "
                "education settings or the whole partnership); the scorecard can group its summary by partner. "
                "Rename, add or reorder themes, or change a measure's theme or partner, for this area.")
    con = data.cursor()
    themes = board_setup.themes_for(con, area.code)
    settings = board_setup.settings_for(con, area.code, metrics)
    partners = list(PARTNERS.values())
    edited_themes = st.data_editor(
        themes_frame(themes), num_rows="dynamic", hide_index=True, key=f"themes_editor_{area.code}_{version}",
        column_config={"id": st.column_config.TextColumn("id", required=True, help="lower-case, e.g. early_help"),
                       "title": st.column_config.TextColumn("title", required=True),
                       "partner": st.column_config.SelectboxColumn("partner for its measures", options=partners,
                                                                   required=True)})
    theme_ids = [str(t) for t in editor_rows(edited_themes)["id"] if t]
    edited_measures = st.data_editor(
        measures_frame(metrics, settings), hide_index=True, key=f"measure_partners_{area.code}_{version}",
        disabled=["id", "measure"],
        column_config={"id": None,
                       "theme": st.column_config.SelectboxColumn("theme", options=theme_ids, required=True),
                       "partner": st.column_config.SelectboxColumn("accountable partner", options=partners,
                                                                   required=True)})
    if st.button("Save themes and partners"):
        try:
            message = data.write(save, area.code, edited_themes, edited_measures, metrics, actor=actor)
        except board_setup.BoardSetupError as exc:
            st.error(plain(str(exc)))
        else:
            st.session_state["targets_message"] = message
            st.rerun()
