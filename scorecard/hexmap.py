"""A hex map of England's upper-tier local authorities as they are now (153 LAs).

Open Innovations' UK upper-tier hexjson (MIT licence, notice kept in data/geo/NOTICE-odileeds-hexmaps.txt) predates
the reorganisations of 2020 to 2023. `build` turns it into this project's own copy,
data/geo/england-upper-tier-2025.hexjson, using the boundary changes the project already records
(data/boundary_changes.csv):

* a code change on the same boundary (Buckinghamshire, North Yorkshire, Somerset) keeps its cell;
* a split (Northamptonshire, Cumbria) leaves one successor in the old cell and puts the other in a
  free neighbouring cell, in the direction given in PLACEMENT; where every neighbour is taken, the
  hexes between the old cell and the nearest free cell in that row move one step along to make room;
* hexes outside England are dropped.

Regenerate with `python -m scorecard.hexmap` (needs the raw file in ../shared/data/geo).

Layout "odd-r": pointy-topped hexes in rows; odd rows sit half a hex to the right; `r` grows northwards.
"""

from __future__ import annotations

import csv
import json
import math
from functools import lru_cache
from pathlib import Path

from . import config

SOURCE = config.RAW_DATA_DIR / "geo" / "uk-upper-tier-local-authorities.hexjson"
HEXJSON = config.DATA_DIR / "geo" / "england-upper-tier-2025.hexjson"
ROW_HEIGHT = math.sqrt(3) / 2  # centre-to-centre distance between rows, for hexes one unit wide
RADIUS = 1 / math.sqrt(3)  # centre to corner
# Where the successor that does not keep the old cell goes: West Northamptonshire lies west of North
# Northamptonshire; Cumberland lies north-west of Westmorland and Furness.
PLACEMENT = {"E06000062": "west", "E06000063": "north-west"}
COMPASS = {
    "north": (0, 1), "south": (0, -1), "east": (1, 0), "west": (-1, 0),
    "north-east": (1, 1), "north-west": (-1, 1), "south-east": (1, -1), "south-west": (-1, -1),
}


def centre(q: int, r: int) -> tuple[float, float]:
    """Cartesian centre of cell (q, r): x across, y northwards."""
    return q + 0.5 * (r % 2), r * ROW_HEIGHT


def corners(q: int, r: int) -> list[tuple[float, float]]:
    """The six corners of a pointy-topped hex, closed (first corner repeated)."""
    x, y = centre(q, r)
    points = [(x + RADIUS * math.cos(math.radians(30 + 60 * k)), y + RADIUS * math.sin(math.radians(30 + 60 * k)))
              for k in range(6)]
    return points + points[:1]


def neighbours(q: int, r: int) -> list[tuple[int, int]]:
    shift = r % 2  # odd rows are shifted right, so their diagonal neighbours are one column further right
    return [(q + 1, r), (q - 1, r), (q - 1 + shift, r - 1), (q + shift, r - 1), (q - 1 + shift, r + 1),
            (q + shift, r + 1)]


def read_changes(path: Path | str = config.BOUNDARY_FILE) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def build(source: dict, changes: list[dict], placement: dict[str, str] = PLACEMENT) -> dict:
    """The updated hexjson (a new dict; `source` is not changed)."""
    hexes = {code: dict(h) for code, h in source["hexes"].items() if code.startswith("E")}
    successors: dict[str, list[dict]] = {}
    for c in changes:
        successors.setdefault(c["predecessor_code"], []).append(c)
    for old in [code for code in hexes if code in successors]:
        cell = hexes.pop(old)
        q, r = cell["q"], cell["r"]
        new = successors[old]
        stays = [c for c in new if c["successor_code"] not in placement] or new[:1]
        moves = [c for c in new if c is not stays[0]]
        hexes[stays[0]["successor_code"]] = _hex(stays[0], q, r)
        for c in moves:
            nq, nr = _make_room(hexes, q, r, placement.get(c["successor_code"], "east"))
            hexes[c["successor_code"]] = _hex(c, nq, nr)
    ordered = dict(sorted(hexes.items(), key=lambda kv: kv[1]["n"]))
    return {"layout": source.get("layout", "odd-r"), "hexes": ordered}


def _hex(change: dict, q: int, r: int) -> dict:
    code, name = change["successor_code"], change["successor_name"]
    return {"n": name, "id": code, "name": name, "q": q, "r": r}


def _make_room(hexes: dict, q: int, r: int, direction: str) -> tuple[int, int]:
    """A free cell next to (q, r), as near the wanted direction as possible; if there is none,
    shift the hexes between (q, r) and the nearest free cell of the row on that side."""
    taken = {(h["q"], h["r"]) for h in hexes.values()}
    dx, dy = COMPASS[direction]
    x0, y0 = centre(q, r)

    def score(cell):
        x, y = centre(*cell)
        return (x - x0) * dx + (y - y0) / ROW_HEIGHT * dy, -cell[0] * dx  # ties: go further in x's direction

    free = [cell for cell in neighbours(q, r) if cell not in taken]
    if free:
        best = max(free, key=score)
        if score(best)[0] > 0:
            return best
    step = -1 if dx < 0 else 1
    if dx == 0:  # no side preferred: the side with the nearer free cell
        step = min((-1, 1), key=lambda s: _nearest_free(taken, q, r, s) * s)
    end = _nearest_free(taken, q, r, step)
    by_cell = {(h["q"], h["r"]): h for h in hexes.values()}
    for col in range(end - step, q, -step):  # move each hex one step outwards, starting at the far end
        by_cell[(col, r)]["q"] = col + step
    return q + step, r


def _nearest_free(taken: set, q: int, r: int, step: int) -> int:
    col = q + step
    while (col, r) in taken:
        col += step
    return col


@lru_cache(maxsize=1)
def load(path: Path | str = HEXJSON) -> dict[str, dict]:
    """The committed map's hexes, by ONS code."""
    return json.loads(Path(path).read_text(encoding="utf-8"))["hexes"]


def write(path: Path | str = HEXJSON, source_path: Path | str = SOURCE) -> dict:
    source = json.loads(Path(source_path).read_text(encoding="utf-8"))
    built = build(source, read_changes())
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(dumps(built), encoding="utf-8")
    return built


def dumps(hexjson: dict) -> str:
    """One hex a line, as the source file is laid out, so that diffs stay readable."""
    lines = [f'\t\t"{code}":{json.dumps(h, ensure_ascii=False, separators=(",", ":"))}'
             for code, h in hexjson["hexes"].items()]
    return '{\n\t"layout":"%s",\n\t"hexes": {\n%s\n\t}\n}\n' % (hexjson["layout"], ",\n".join(lines))


if __name__ == "__main__":
    result = write()
    print(f"wrote {len(result['hexes'])} hexes to {HEXJSON}")
