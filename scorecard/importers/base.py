"""What every importer shares: the file being read, the problems found in it, and the plan of
values it would write. Importers never write; `scorecard.ingest` commits a plan in one transaction."""

from __future__ import annotations

import hashlib
import json
import re
from array import array
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import limits
from ..areas import AreaIndex
from ..periods import Period
from ..problems import ImportFailure, Issue  # noqa: F401 (the importers' names for them)
from ..published import LOCAL_PUBLICATION  # noqa: F401 (every local return is a release of it)
from ..register import Metric

_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
VALUE_COLUMNS = [
    "metric_id", "area_code", "period_label", "value", "numerator", "denominator", "status", "note",
    "source_id", "source_file", "source_row", "source_column", "published_area",
]


@contextmanager
def unless_damaged(file_name: str, kind: str):
    """Around a library reading a container (a ZIP, an Excel or OpenDocument workbook): whatever the
    library raises for a damaged or cut-short file becomes a refusal naming the file. Wrap only the
    library's calls, so a mistake in our own code is never passed off as a damaged file."""
    try:
        yield
    except ImportFailure:
        raise
    except Exception as exc:  # zipfile, zlib, XML parsers and openpyxl raise many kinds for damage
        raise ImportFailure(Issue(file_name, f"cannot be read as {kind}: the file is damaged or cut short "
                                  f"({type(exc).__name__}). Download or save it again.")) from None


@dataclass
class SourceFile:
    """The bytes of one input file, with a display name and a fingerprint. A file larger than
    limits.MAX_FILE_BYTES is refused here, before any reader sees it."""

    name: str
    data: bytes
    _text: str | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self):
        too_big = size_problem(len(self.data))
        if too_big:
            raise ImportFailure(Issue(self.name, too_big))

    @classmethod
    def from_path(cls, path: str | Path) -> "SourceFile":
        path = Path(path)
        if not path.exists():
            raise ImportFailure(Issue(str(path), "no such file"))
        if path.is_dir():
            raise ImportFailure(Issue(str(path), "is a folder; give the files in it"))
        too_big = size_problem(path.stat().st_size)
        if too_big:
            raise ImportFailure(Issue(path.name, too_big))
        return cls(path.name, path.read_bytes())

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def is_zip(self) -> bool:
        return self.data[:4] == b"PK\x03\x04"

    def text(self) -> str:
        """The file decoded as UTF-8 (a BOM is dropped), once. Bad bytes are reported by row and column."""
        if self._text is not None:
            return self._text
        try:
            self._text = self.data.decode("utf-8-sig")
            return self._text
        except UnicodeDecodeError as exc:
            lines = _LINE_BREAK.split(self.data[: exc.start])  # CRLF, LF or a bare CR
            row, column = len(lines), len(lines[-1]) + 1
            raise ImportFailure(Issue(
                self.name,
                f"byte 0x{self.data[exc.start]:02x} at character {column} is not UTF-8. "
                "Save the file as 'CSV UTF-8' and import it again.",
                row=row,
            )) from None


def too_many_rows(file_name: str, limit: int, what: str = "a file") -> ImportFailure:
    """The failure for a file past a row limit (scorecard.limits), raised as soon as it is reached."""
    return ImportFailure(Issue(file_name, f"has more than {limit:,} rows; {what} may have at most {limit:,}. "
                               "Split it into smaller files and import each.", row=limit + 1))


def size_problem(size: int) -> str | None:
    if size <= limits.MAX_FILE_BYTES:
        return None
    return (f"is too large to import: {limits.megabytes(size)}, more than the {limits.MAX_FILE_MB} MB a file may "
            "be. Split it, or leave out columns and rows this tool does not read.")


@dataclass
class ImportContext:
    """What importers need to know about the store, read once before reading a file."""

    metrics: dict[str, Metric]
    areas: AreaIndex
    releases: list[dict]  # known source releases: id, publication_id, covers_to (list), title
    # For each metric, the periods its publisher has released: period label -> (period kind, publisher).
    # A local return may not give a figure for these (the published figure stands).
    released: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)
    # Import what a recognised file holds even when a mapped column is missing, listing what was not read.
    partial: bool = False
    # The current figures of measures the register derives others from (`derived_from`):
    # metric -> (area, period) -> (value, where it came from).
    stored: dict[str, dict[tuple[str, str], tuple[float, str]]] = field(default_factory=dict)

    @classmethod
    def from_store(cls, con) -> "ImportContext":
        from ..register import metrics_from_store

        rows = con.execute(
            "SELECT r.id, r.publication_id, r.covers_to, r.title, p.publisher, p.title "
            "FROM source_release r JOIN publication p ON p.id = r.publication_id"
        ).fetchall()
        releases = [
            {"id": r[0], "publication_id": r[1], "covers_to": json.loads(r[2] or "[]"), "title": r[3],
             "publisher": r[4], "publication_title": r[5]}
            for r in rows
        ]
        released: dict[str, dict[str, tuple[str, str]]] = {}
        for metric_id, period_label, kind, publisher in con.execute(
                "SELECT v.metric_id, v.period_label, any_value(p.kind), any_value(pub.publisher) "
                "FROM metric_value v JOIN period p ON p.label = v.period_label "
                "JOIN source_release s ON s.id = v.source_id JOIN publication pub ON pub.id = s.publication_id "
                "WHERE s.publication_id <> ? GROUP BY ALL", [LOCAL_PUBLICATION]).fetchall():
            released.setdefault(metric_id, {})[period_label] = (kind, publisher)
        metrics = metrics_from_store(con)
        inputs = sorted({i for m in metrics.values() for i in m.derived_from})
        stored: dict[str, dict[tuple[str, str], tuple[float, str]]] = {}
        if inputs:
            for metric_id, area, period_label, value, title in con.execute(
                    "SELECT v.metric_id, v.area_code, v.period_label, v.value, s.title FROM metric_value v "
                    "LEFT JOIN source_release s ON s.id = v.source_id "
                    "WHERE v.is_current AND v.value IS NOT NULL AND v.metric_id IN (SELECT unnest(?::VARCHAR[]))",
                    [inputs]).fetchall():
                stored.setdefault(metric_id, {})[(area, period_label)] = (value, title or "an earlier import")
        return cls(metrics, AreaIndex.from_store(con), releases, released, stored=stored)

    def release_for(self, publication_id: str, latest_period: str, title_hint: str | None = None) -> dict:
        """The known release of a publication that covers up to `latest_period`, or a new one."""
        for r in self.releases:
            if r["publication_id"] == publication_id and latest_period in r["covers_to"]:
                return r
        known = next((r for r in self.releases if r["publication_id"] == publication_id), None)
        title = title_hint or (
            f"{known['publication_title'] if known else publication_id}, data to {latest_period}"
        )
        release = {
            "id": f"{publication_id}-to-{latest_period.replace('/', '-').replace(' ', '-').lower()}",
            "publication_id": publication_id, "covers_to": [latest_period], "title": title,
            "new": True,
        }
        self.releases.append(release)
        return release


@dataclass
class ImportPlan:
    """What importing a file would do: values to write, neighbours to replace, and what was seen."""

    file_name: str
    sha256: str
    format: str
    values: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=VALUE_COLUMNS))
    periods: dict[str, Period] = field(default_factory=dict)
    warnings: list[Issue] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    not_read: list[str] = field(default_factory=list)  # with --partial: measures a recognised file lacked
    new_releases: list[dict] = field(default_factory=list)
    neighbours: pd.DataFrame | None = None
    neighbour_model_year: int | None = None
    targets: list[dict] | None = None  # a targets file: checked rows for scorecard.targets
    inspections: pd.DataFrame | None = None  # an Ofsted area SEND file: rows for the inspection table
    source_id: str | None = None
    rows_rejected: int = 0

    def set_values(self, records: list[dict], release: dict) -> "ImportPlan":
        """Attribute every record to `release` (registering it if it is new) and keep them."""
        for r in records:
            r["source_id"] = release["id"]
        self.values = values_frame(records)
        return self._attribute(release)

    def set_value_columns(self, columns: dict, release: dict) -> "ImportPlan":
        """As set_values, from a sequence per column (VALUE_COLUMNS but source_id): for large files.
        Text stays as the Python objects given (one per distinct text), not copied into pandas strings."""
        count = len(columns["metric_id"])
        columns = {**columns, "source_id": [release["id"]] * count}
        self.values = _typed(pd.DataFrame({c: _column(columns[c]) for c in VALUE_COLUMNS}, copy=False))
        return self._attribute(release)

    def attribute(self, release: dict) -> "ImportPlan":
        """Attribute the plan to `release` (registering it if it is new), for a plan without figures."""
        return self._attribute(release)

    def _attribute(self, release: dict) -> "ImportPlan":
        if release.get("new") and release not in self.new_releases:
            self.new_releases.append(release)
        self.source_id = release["id"]
        return self

    def add(self, other: "ImportPlan") -> None:
        """Fold a member file's plan into this one (a ZIP is one batch)."""
        self.values = pd.concat([d for d in (self.values, other.values) if len(d)], ignore_index=True) \
            if len(other.values) else self.values
        self.periods.update(other.periods)
        self.warnings += other.warnings
        self.skipped += other.skipped
        self.not_read += other.not_read
        self.new_releases += [r for r in other.new_releases if r not in self.new_releases]
        self.rows_rejected += other.rows_rejected
        self.source_id = self.source_id or other.source_id


def _column(values) -> pd.Series:
    """Numbers from an array.array without a Python object each; anything else as objects."""
    if isinstance(values, array):
        return pd.Series(np.frombuffer(values, dtype=np.float64 if values.typecode == "d" else np.int64))
    return pd.Series(values, dtype=object)


def values_frame(records: list[dict]) -> pd.DataFrame:
    return _typed(pd.DataFrame.from_records(records, columns=VALUE_COLUMNS))


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    for col in ("value", "numerator", "denominator"):
        df[col] = pd.to_numeric(df[col]).astype("float64")
    df["source_row"] = df["source_row"].astype("Int64")
    return df
