"""The Targets page's editors for a board's own themes and, for each measure, its theme and its
accountable partner (scorecard.board_setup). The frames and their reading back are plain functions,
so they are tested without Streamlit; `show` only lays them out.

The editors are ordinary labelled fields in one form, not a grid: a grid is drawn on a canvas, where
a phone shows only its first columns and cuts long measure names off. Each theme is a title and a
partner (with Remove), then a line for a new theme; each measure, under its theme, a theme and an
accountable partner. Every label wraps and every field is as wide as the screen allows."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import re

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


def new_theme_id(title: str, taken: set[str]) -> str:
    """A new theme's id from its title ('Early help' -> 'early_help'), made unique among `taken`."""
    base = re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_") or "theme"
    if not base[0].isalpha():
        base = f"theme_{base}"
    found, n = base, 2
    while found in taken:
        found, n = f"{base}_{n}", n + 1
    return found


def themes_from_form(themes: list[Theme], titles: list[str], partners: list[str], removed: list[bool],
                     new_title: str, new_partner: str) -> pd.DataFrame:
    """The themes as the form leaves them (each kept one's title and partner, and a new one when its
    title is given), as the frame save() reads."""
    rows = [{"id": t.id, "title": title, "partner": partner}
            for t, title, partner, gone in zip(themes, titles, partners, removed) if not gone]
    if new_title.strip():
        rows.append({"id": new_theme_id(new_title, {t.id for t in themes}), "title": new_title.strip(),
                     "partner": new_partner})
    return pd.DataFrame(rows, columns=THEME_COLUMNS)


def show(area, metrics: dict[str, Metric], version: int, actor) -> None:
    st.header("Themes and accountable partners")
    st.markdown("The themes group the measures that are not in a priority area. Each measure has a partner "
                "accountable to the board for it (the local authority's SEND service, health (ICB), social care, "
                "education settings or the whole partnership); the scorecard can group its summary by partner. "
                "Rename, add or remove themes, or change a measure's theme or partner, for this area.")
    con = data.cursor()
    themes = board_setup.themes_for(con, area.code)
    settings = board_setup.settings_for(con, area.code, metrics)
    partners = list(PARTNERS.values())
    titles = {t.id: t.title for t in themes}
    key = f"{area.code}_{version}"

    def partner_index(value: str) -> int:
        return partners.index(PARTNERS.get(value, value)) if PARTNERS.get(value, value) in partners else 0

    with st.form(f"board_setup_{key}", border=True):
        st.subheader("Themes")
        theme_titles, theme_partners, removed = [], [], []
        # Side by side on a wide screen; one below the other on a phone (Streamlit stacks narrow columns).
        for n, t in enumerate(themes, start=1):
            title, partner, remove = st.columns([4, 4, 2], vertical_alignment="bottom")
            theme_titles.append(title.text_input(f"Theme {n}: title", t.title, key=f"theme_title_{n}_{key}",
                                                 help=plain(f"Its id, used in files: {t.id}")))
            theme_partners.append(partner.selectbox(f"Theme {n}: partner accountable for its measures", partners,
                                                    index=partner_index(t.partner), key=f"theme_partner_{n}_{key}"))
            removed.append(remove.checkbox(f"Remove theme {n}", key=f"theme_remove_{n}_{key}"))
        title, partner, _ = st.columns([4, 4, 2], vertical_alignment="bottom")
        new_title = title.text_input("A new theme: title (leave blank to add none)", key=f"theme_new_title_{key}")
        new_partner = partner.selectbox("A new theme: partner accountable for its measures", partners,
                                        key=f"theme_new_partner_{key}")
        st.subheader("Each measure's theme and partner")
        st.caption("A new theme can be chosen here once it is saved.")
        chosen = []
        for theme_id in [t.id for t in themes]:
            under = [m for m in metrics.values() if m.on_scorecard and settings[m.id].theme == theme_id]
            if not under:
                continue
            with st.expander(plain(f"{titles[theme_id]}: {len(under)} measure{'s' if len(under) != 1 else ''}")):
                for m in under:
                    left, right = st.columns(2)
                    theme = left.selectbox(plain(f"{m.name}: theme"), list(titles), index=list(titles).index(theme_id),
                                         format_func=lambda i: plain(titles.get(i, i)),
                                         key=f"measure_theme_{m.id}_{key}")
                    partner = right.selectbox(plain(f"{m.name}: accountable partner"), partners,
                                           index=partner_index(settings[m.id].partner),
                                           key=f"measure_partner_{m.id}_{key}")
                    chosen.append({"id": m.id, "measure": m.name, "theme": theme, "partner": partner})
        submitted = st.form_submit_button("Save themes and partners")
    if submitted:
        edited_themes = themes_from_form(themes, theme_titles, theme_partners, removed, new_title, new_partner)
        listed = {c["id"] for c in chosen}
        rest = measures_frame(metrics, settings)  # measures under no listed theme keep what they have
        edited_measures = pd.concat([pd.DataFrame(chosen, columns=MEASURE_COLUMNS),
                                     rest[~rest["id"].isin(listed)]], ignore_index=True)
        try:
            message = data.write(save, area.code, edited_themes, edited_measures, metrics, actor=actor)
        except board_setup.BoardSetupError as exc:
            st.error(plain(str(exc)))
        else:
            st.session_state["targets_message"] = message
            st.rerun()
