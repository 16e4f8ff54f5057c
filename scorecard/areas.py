"""Areas: England, its regions and its local authorities, past and present, and how to find one
from an ONS code, a DfE LA number or any of the names publishers use for it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .problems import UserProblem

ENGLAND = "E92000001"
LEVELS = ("england", "region", "la")
REGION_NAMES = {
    "E12000001": "North East",
    "E12000002": "North West",
    "E12000003": "Yorkshire and The Humber",
    "E12000004": "East Midlands",
    "E12000005": "West Midlands",
    "E12000006": "East of England",
    "E12000007": "London",
    "E12000008": "South East",
    "E12000009": "South West",
}
# DfE's LA-number codes for England and the regions (LAIT's la_code_list).
DFE_REGION_NUMBERS = {
    "970": ENGLAND, "980": "E12000001", "981": "E12000002", "982": "E12000003", "983": "E12000004",
    "984": "E12000005", "985": "E12000006", "986": "E12000007", "989": "E12000008", "990": "E12000009",
}

def name_key(name: str) -> str:
    """Normalise an area name so that publishers' variants meet:
    'County Durham' ~ 'Durham', 'Bristol, City of' ~ 'Bristol', 'St. Helens' ~ 'St Helens',
    'Kingston Upon Hull, City of' ~ 'Kingston upon Hull', 'Bedford Borough' ~ 'Bedford'.
    'City of London' stays itself: it is not London."""
    s = str(name).lower().replace("&", " and ").strip()
    s = re.sub(r"\bst\.", "st", s)
    s = re.sub(r",\s*(city|county) of$", "", s)
    s = re.sub(r"^county\s+", "", s)
    s = re.sub(r"\s+borough$", "", s)
    s = re.sub(r"[^a-z0-9]+", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def strip_footnote(name: str) -> str:
    """'Northamptonshire7' -> 'Northamptonshire'; 'Bournemouth, Christchurch and Poole5' -> ...;
    'England Total4,9' -> 'England Total'."""
    return re.sub(r"[\d,\s]+$", "", str(name)).strip() if re.search(r"[A-Za-z]", str(name)) else str(name).strip()


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    level: str
    la_number: str | None = None
    region_code: str | None = None
    la_type: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    is_current: bool = True

    @property
    def region_name(self) -> str | None:
        return REGION_NAMES.get(self.region_code or "")


class AreaNotFound(UserProblem, LookupError):
    pass


@dataclass
class AreaIndex:
    """All areas and their aliases, for resolving what users and files call an area."""

    areas: dict[str, Area]
    by_code: dict[str, str] = field(default_factory=dict)  # ONS codes, old codes too
    by_number: dict[str, str] = field(default_factory=dict)  # DfE LA numbers
    by_name: dict[str, list[str]] = field(default_factory=dict)  # name_key -> codes
    predecessors: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # code -> [(pred, kind)]
    successors: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    @classmethod
    def from_store(cls, con) -> "AreaIndex":
        rows = con.execute(
            "SELECT code, name, level, la_number, region_code, la_type, valid_from, valid_to, is_current FROM area"
        ).fetchall()
        index = cls({r[0]: Area(*r) for r in rows})
        for code in index.areas:
            index.by_code[code] = code
        for a in index.areas.values():
            if a.la_number:
                index.by_number.setdefault(a.la_number, a.code)
                if a.is_current:
                    index.by_number[a.la_number] = a.code
            index._add_name(a.name, a.code)
        for kind, alias, code in con.execute("SELECT kind, alias, area_code FROM area_alias").fetchall():
            if kind == "ons_code":
                index.by_code[alias] = code
            elif kind == "la_number":
                index.by_number[alias] = code
            else:
                index._add_name(alias, code)
        for pred, succ, kind in con.execute(
            "SELECT predecessor_code, successor_code, kind FROM area_change"
        ).fetchall():
            index.predecessors.setdefault(succ, []).append((pred, kind))
            index.successors.setdefault(pred, []).append((succ, kind))
        return index

    def _add_name(self, name: str, code: str) -> None:
        codes = self.by_name.setdefault(name_key(name), [])
        if code not in codes:
            codes.append(code)

    def get(self, code: str) -> Area:
        return self.areas[self.by_code.get(code, code)]

    def by_ons_code(self, code: str) -> str | None:
        return self.by_code.get(str(code).strip().upper())

    def by_la_number(self, number) -> str | None:
        n = str(number).strip()
        if n.endswith(".0"):
            n = n[:-2]
        return self.by_number.get(n)

    def by_area_name(self, name: str) -> list[str]:
        """Codes of areas with this name, current areas first."""
        codes = self.by_name.get(name_key(strip_footnote(name)), [])
        return sorted(codes, key=lambda c: (not self.areas[c].is_current, c))

    def resolve(self, text: str) -> Area:
        """An area from what a person typed: ONS code, LA number or name (case-insensitive)."""
        t = str(text).strip()
        if not t:
            raise AreaNotFound("no area given")
        code = self.by_ons_code(t) or (self.by_la_number(t) if t.isdigit() else None)
        if code:
            return self.areas[code]
        if t.lower() in ("england", "national"):
            return self.areas[ENGLAND]
        codes = self.by_area_name(t)
        if codes:
            return self.areas[codes[0]]
        close = sorted(a.name for a in self.areas.values()
                       if name_key(t) and name_key(t) in name_key(a.name))[:5]
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise AreaNotFound(f"unknown area {t!r}: give an ONS code (E06000026), a DfE LA number (879) or a name.{hint}")

    def current_las(self) -> list[Area]:
        return sorted((a for a in self.areas.values() if a.level == "la" and a.is_current), key=lambda a: a.name)

    def regions(self) -> list[Area]:
        return sorted((a for a in self.areas.values() if a.level == "region"), key=lambda a: a.code)

    def lineage(self, code: str) -> list[tuple[str, str]]:
        """Predecessor areas and how each became this one, e.g. [('E10000006', 'split')]."""
        return self.predecessors.get(code, [])

    def attribute_to_period(self, code: str, period_end: date) -> str:
        """Where an area was created after a period, attribute that period's figure to its single
        boundary predecessor (the MoJ table prints Dorset's pre-2019 figures on today's Dorset row)."""
        area = self.areas[code]
        if area.valid_from and period_end < area.valid_from:
            preds = [p for p, kind in self.predecessors.get(code, []) if kind != "code change"]
            if len(preds) == 1:
                return preds[0]
        return code
