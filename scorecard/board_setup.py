"""A board's own themes, and its own theme and accountable partner for a measure, for its area.

The register (data/metrics.toml) gives every measure a theme and a partner, and the themes their
titles and order. A board may rename, add, remove or reorder themes for its area, and give any
measure another theme or partner; the scorecard then groups and holds partners to account by the
board's choices. Stored like priority areas (scorecard.priorities): replaced whole, in one
transaction, after every row is checked.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from . import access, audit, plan_history, store
from .limits import MAX_PRIORITY_TITLE_CHARS
from .problems import UserProblem
from .register import _ID, DEFAULT_PARTNER, PARTNERS, THEME_LIST, Metric, Theme
from .text_safety import text_problem


class BoardSetupError(UserProblem, ValueError):
    pass


@dataclass(frozen=True)
class MeasureSetting:
    """A measure's theme and partner for one area, and whether they are the register's."""

    metric_id: str
    theme: str
    partner: str


def themes_for(con, area_code: str) -> list[Theme]:
    """The area's themes in order: the board's own if it has set them, else the register's (as the
    store was built with it, so as it stood at the store's point: else as data/metrics.toml has them)."""
    rows = con.execute("SELECT id, title, partner FROM board_theme WHERE area_code = ? ORDER BY position",
                       [area_code]).fetchall()
    if rows:
        return [Theme(i, t, p or DEFAULT_PARTNER) for i, t, p in rows]
    return register_themes(con)


def register_themes(con) -> list[Theme]:
    """The register's own themes as the store holds them (written with the register), else the file's."""
    try:
        rows = con.execute("SELECT id, title, partner FROM register_theme ORDER BY position").fetchall()
    except duckdb.CatalogException:  # a lake snapshot from before the store held them
        rows = []
    return [Theme(i, t, p or DEFAULT_PARTNER) for i, t, p in rows] or list(THEME_LIST)


def overrides_for(con, area_code: str) -> dict[str, tuple[str | None, str | None]]:
    """metric id -> (theme, partner) the board set for its area (None where it kept the register's)."""
    return {m: (t, p) for m, t, p in con.execute(
        "SELECT metric_id, theme, partner FROM measure_setting WHERE area_code = ?", [area_code]).fetchall()}


def settings_for(con, area_code: str, metrics: dict[str, Metric]) -> dict[str, MeasureSetting]:
    """Every measure's theme and partner for the area: the board's choice, else the register's (a
    theme's partner for a measure that names none)."""
    themes = {t.id: t for t in themes_for(con, area_code)}
    overrides = overrides_for(con, area_code)
    out = {}
    for m in metrics.values():
        theme, partner = overrides.get(m.id, (None, None))
        theme = theme or m.theme
        default = themes[theme].partner if theme in themes else DEFAULT_PARTNER
        out[m.id] = MeasureSetting(m.id, theme, partner or m.partner or default)
    return out


def _check_themes(themes: list[Theme]) -> None:
    if not themes:
        raise BoardSetupError("keep at least one theme")
    seen = set()
    for n, t in enumerate(themes, start=1):
        if not _ID.fullmatch(t.id):
            raise BoardSetupError(f"theme {n}: the id {t.id!r} must be lower-case letters, digits and underscores "
                                  "(for example early_help)")
        if t.id in seen:
            raise BoardSetupError(f"theme {n}: the id {t.id} is used twice")
        seen.add(t.id)
        message = "is required" if not t.title.strip() else text_problem(t.title.strip(), MAX_PRIORITY_TITLE_CHARS)
        if message:
            raise BoardSetupError(f"theme {n} ({t.id}): the title {message}")
        if t.partner not in PARTNERS:
            raise BoardSetupError(f"theme {n} ({t.id}): the partner must be one of {', '.join(PARTNERS.values())}")


def save(con, area_code: str, themes: list[Theme], settings: list[MeasureSetting],
         metrics: dict[str, Metric], *, actor: access.Actor) -> None:
    """Replace the area's themes and its measures' themes and partners, in one transaction, if the
    actor may change the area's plan. Every row is checked first; a measure left under a theme that no
    longer exists is refused by name."""
    _check_themes(themes)
    theme_ids = {t.id for t in themes}
    by_theme = {t.id: t for t in themes}
    chosen: dict[str, MeasureSetting] = {}
    for s in settings:
        if s.metric_id not in metrics:
            raise BoardSetupError(f"unknown measure {s.metric_id!r}")
        if s.metric_id in chosen:
            raise BoardSetupError(f"{metrics[s.metric_id].name} is listed twice")
        if s.partner not in PARTNERS:
            raise BoardSetupError(f"{metrics[s.metric_id].name}: the partner must be one of "
                                  f"{', '.join(PARTNERS.values())}")
        chosen[s.metric_id] = s
    for m in metrics.values():
        theme = chosen[m.id].theme if m.id in chosen else m.theme
        if theme not in theme_ids:
            raise BoardSetupError(f"{m.name} is under the theme {theme!r}, which is not in the list of themes: "
                                  "choose another theme for it, or keep the theme")
    same_themes = [(t.id, t.title, t.partner) for t in themes] == [(t.id, t.title, t.partner)
                                                                   for t in register_themes(con)]
    rows = []
    for s in chosen.values():
        m = metrics[s.metric_id]
        theme = None if s.theme == m.theme else s.theme
        own_partner = m.partner or by_theme[s.theme].partner
        partner = None if s.partner == own_partner else s.partner
        if theme or partner:
            rows.append((area_code, s.metric_id, theme, partner))

    audit.check(con, actor, access.PRIORITIES, area_code, subject="themes and accountable partners")

    def store_them(con) -> None:
        before = _described(themes_for(con, area_code), overrides_for(con, area_code))
        con.execute("DELETE FROM board_theme WHERE area_code = ?", [area_code])
        con.execute("DELETE FROM measure_setting WHERE area_code = ?", [area_code])
        if not same_themes:
            for position, t in enumerate(themes):
                con.execute("INSERT INTO board_theme VALUES (?, ?, ?, ?, ?)",
                            [area_code, t.id, t.title.strip(), t.partner, position])
        for row in rows:
            con.execute("INSERT INTO measure_setting VALUES (?, ?, ?, ?)", list(row))
        audit.record(con, actor, audit.THEMES_AND_PARTNERS, area_code=area_code,
                     subject="themes and accountable partners", old=before,
                     new=_described(themes, {r[1]: (r[2], r[3]) for r in rows}))
        plan_history.save_area(con, plan_history.BOARD_SETUP, area_code)  # so a pack --as-at shows them as then
        store.bump_data_version(con)

    store.retrying(con, store_them)


def _described(themes: list[Theme], overrides: dict[str, tuple[str | None, str | None]]) -> str:
    """Themes and a measure's own theme or partner, in a line for the audit trail."""
    text = "; ".join(f"{t.id}: {t.title} ({t.partner})" for t in themes)
    own = ", ".join(f"{m} -> {theme or '(theme kept)'} / {partner or '(partner kept)'}"
                    for m, (theme, partner) in sorted(overrides.items()))
    return text + (f"; measures: {own}" if own else "")
