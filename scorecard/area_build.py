"""Build the area table from the published releases plus the project's own list of boundary changes
(data/boundary_changes.csv). Used by `scorecard seed build`; a fresh store gets the result from the seed."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from . import config
from .areas import DFE_REGION_NUMBERS, ENGLAND, REGION_NAMES

_GEO_COLUMNS = ["time_period", "geographic_level", "region_code", "new_la_code", "old_la_code", "la_name"]
# The headline file of each EES release is enough to see every LA it names.
_EES_MEMBERS = ("data/timeliness_20_week.csv", "data/caseload.csv", "data/sen2_mi.csv")
_EES_FILES = ("ees/ehe_academic_year.csv", "ees/exc_nat_region_la_fy.csv")


def _read_geo(handle) -> pd.DataFrame:
    df = pd.read_csv(handle, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                     usecols=lambda c: c in _GEO_COLUMNS)
    return df[df["geographic_level"] == "Local authority"]


def published_la_rows(raw_dir: Path) -> pd.DataFrame:
    frames = []
    for zpath in sorted((raw_dir / "ees").glob("*.zip")):
        with zipfile.ZipFile(zpath) as z:
            for member in _EES_MEMBERS:
                if member in z.namelist():
                    frames.append(_read_geo(io.BytesIO(z.read(member))))
    for rel in _EES_FILES:
        if (raw_dir / rel).exists():
            frames.append(_read_geo(raw_dir / rel))
    df = pd.concat(frames, ignore_index=True)
    df["sort_period"] = df["time_period"].str[:4].astype(int)
    return df


def build_areas(raw_dir: Path | str) -> dict[str, pd.DataFrame]:
    """Return the area, area_alias and area_change tables."""
    raw_dir = Path(raw_dir)
    changes = pd.read_csv(config.BOUNDARY_FILE, dtype=str, keep_default_na=False)
    code_changes = changes[changes["kind"] == "code change"]
    old_to_new = dict(zip(code_changes["predecessor_code"], code_changes["successor_code"]))
    abolished = changes[changes["kind"] != "code change"]
    predecessor_names = dict(zip(abolished["predecessor_code"], abolished["predecessor_name"]))
    number_of_predecessor = dict(zip(abolished["predecessor_la_number"], abolished["predecessor_code"]))

    rows = published_la_rows(raw_dir)
    # Files that print 'x' for the ONS code of an abolished county: identify it by LA number.
    no_code = rows["new_la_code"].isin(["x", ""])
    rows.loc[no_code, "new_la_code"] = rows.loc[no_code, "old_la_code"].map(number_of_predecessor)
    rows = rows[rows["new_la_code"].notna()]
    rows["area_code"] = rows["new_la_code"].map(lambda c: old_to_new.get(c, c))
    rows = rows.sort_values("sort_period")

    la_types = _la_types(raw_dir)
    areas, aliases = [], []
    for code, group in rows.groupby("area_code"):
        latest = group.iloc[-1]
        regions = [r for r in group["region_code"] if r.startswith("E12")]
        name = predecessor_names.get(code, latest["la_name"])
        areas.append({
            "code": code, "la_number": latest["old_la_code"], "name": name, "level": "la",
            "region_code": regions[-1] if regions else None,
            "la_type": la_types.get(latest["old_la_code"]) if code not in predecessor_names else None,
            "valid_from": None, "valid_to": None, "is_current": code not in predecessor_names,
        })
        for variant in set(group["la_name"]) - {name}:
            aliases.append(("name", variant, code))
        for published_code in set(group["new_la_code"]) - {code}:
            aliases.append(("ons_code", published_code, code))
    areas_df = pd.DataFrame(areas)

    for _, ch in changes.iterrows():
        change = date.fromisoformat(ch["change_date"])
        if ch["kind"] == "code change":  # same area under a new code: one continuous series
            aliases.append(("ons_code", ch["predecessor_code"], ch["successor_code"]))
            continue
        areas_df.loc[areas_df["code"] == ch["predecessor_code"], "valid_to"] = change - timedelta(days=1)
        areas_df.loc[areas_df["code"] == ch["successor_code"], "valid_from"] = change

    # Names DfE's neighbour and code lists use, e.g. 'Dorset (Pre LG)', 'Bristol'.
    for number, la_name in _dfe_names(raw_dir):
        match = areas_df[areas_df["la_number"] == number]
        if "pre lg" in la_name.lower() and number in number_of_predecessor:
            code = number_of_predecessor[number]
        elif len(match[match["is_current"]]) == 1:
            code = match[match["is_current"]]["code"].iloc[0]
        elif len(match) == 1:
            code = match["code"].iloc[0]
        else:
            continue
        aliases.append(("name", la_name, code))

    top = [{"code": ENGLAND, "la_number": "970", "name": "England", "level": "england", "region_code": None,
            "la_type": None, "valid_from": None, "valid_to": None, "is_current": True}]
    number_of = {v: k for k, v in DFE_REGION_NUMBERS.items()}
    for code, name in REGION_NAMES.items():
        top.append({"code": code, "la_number": number_of[code], "name": name, "level": "region",
                    "region_code": code, "la_type": None, "valid_from": None, "valid_to": None, "is_current": True})
    areas_df = pd.concat([pd.DataFrame(top), areas_df], ignore_index=True)
    aliases.append(("name", "Yorkshire and the Humber", "E12000003"))

    alias_df = pd.DataFrame(aliases, columns=["kind", "alias", "area_code"]).drop_duplicates(["kind", "alias"])
    known_names = set(areas_df["name"])
    alias_df = alias_df[~((alias_df["kind"] == "name") & alias_df["alias"].isin(known_names))]
    change_df = changes.rename(columns={"change_date": "change_date"})[
        ["predecessor_code", "successor_code", "change_date", "kind", "note"]]
    return {"area": areas_df, "area_alias": alias_df.reset_index(drop=True), "area_change": change_df}


def _la_types(raw_dir: Path) -> dict[str, str]:
    path = raw_dir / "neighbours" / "la_code_list.xlsx"
    if not path.exists():
        return {}
    df = pd.read_excel(path, dtype=str)
    df = df[df["Type"].notna() & (df["Type"] != "NA")]
    return dict(zip(df["LA Number"].str.strip(), df["Type"].str.strip()))


def _dfe_names(raw_dir: Path) -> list[tuple[str, str]]:
    names = []
    path = raw_dir / "neighbours" / "la_code_list.xlsx"
    if path.exists():
        df = pd.read_excel(path, dtype=str)
        names += [(n.strip(), m.strip()) for n, m in zip(df["LA Number"], df["LA Name"]) if int(n) < 970]
    for wb in sorted((raw_dir / "neighbours").glob("sn_*.xlsx")):
        df = pd.read_excel(wb, skiprows=2, dtype=str, usecols=[0, 1])
        df = df[df.iloc[:, 0].notna()]
        names += [(n.strip(), m.strip()) for n, m in zip(df.iloc[:, 0], df.iloc[:, 1])]
    return names
