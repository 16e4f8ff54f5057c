"""Benchmark: `scorecard import` on a ZIP bomb (about 3.5 MB that expands to 1 GiB), timed and with
its peak memory (the child process's maximum resident set size), as a user would run it.

Run: python benchmarks/zip_bomb.py [--expand-mib 1024]. It prints the time, the peak memory and the
message, for `scorecard import` (the bomb named .zip, and named .csv), for the dashboard's
uploader (admin.read_upload, as the Local returns page calls it), and for `scorecard restore` of a
backup whose figures' Parquet member is the bomb. The target is a refusal in under
2 s using under 300 MB.

`write_bomb` builds the archive without ever holding or compressing the expanded bytes: one chunk
is deflated once, ending on a full flush, and that compressed block is repeated. tests/store uses it.
"""

from __future__ import annotations

import argparse
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MIB = 1 << 20
# Rows shaped like an EES open-data file, so a reader that trusts the archive would parse them all.
HEADER = (b"time_period,time_identifier,geographic_level,country_code,region_code,new_la_code,old_la_code,"
          b"la_name,EHC_plans\n")
ROW = b"2024,Calendar year,Local authority,E92000001,E12000001,E06000001,805,Hartlepool,1\n"


def _chunk(content: bytes) -> bytes:
    return content * (MIB // len(content)) + content[: MIB % len(content)]


def write_bomb(path: Path, expand_mib: int = 1024, member: str = "data/bomb.csv",
               content: bytes = ROW, extra: dict[str, bytes] | None = None) -> Path:
    """A valid ZIP whose `member` expands to `expand_mib` MiB of `content` repeated (after HEADER
    when content is ROW), plus small stored `extra` members (for an .xlsx or .ods look-alike)."""
    first = _chunk(HEADER + ROW * ((MIB - len(HEADER)) // len(ROW)))[:MIB] if content == ROW else _chunk(content)
    body = _chunk(content)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = deflate.compress(first) + deflate.flush(zlib.Z_FULL_FLUSH)
    repeat = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = repeat.compress(body) + repeat.flush(zlib.Z_FULL_FLUSH)
    tail = b"\x03\x00"  # an empty final block ends the deflate stream
    crc = zlib.crc32(first)
    for _ in range(expand_mib - 1):
        crc = zlib.crc32(body, crc)
    size = expand_mib * MIB
    compressed = len(head) + len(block) * (expand_mib - 1) + len(tail)
    if size >= 1 << 32 or compressed >= 1 << 32:
        raise ValueError("keep the bomb under 4 GiB (no ZIP64 here)")

    entries = []  # (name, method, crc, compressed size, size, offset)
    with path.open("wb") as out:
        def local(name: bytes, method: int, crc_: int, csize: int, usize: int) -> None:
            entries.append((name, method, crc_, csize, usize, out.tell()))
            out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc_, csize, usize,
                                  len(name), 0) + name)

        for name, data in (extra or {}).items():
            local(name.encode(), 0, zlib.crc32(data), len(data), len(data))
            out.write(data)
        local(member.encode(), 8, crc, compressed, size)
        out.write(head)
        for _ in range(expand_mib - 1):
            out.write(block)
        out.write(tail)
        directory = out.tell()
        for name, method, crc_, csize, usize, offset in entries:
            out.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21, crc_, csize, usize,
                                  len(name), 0, 0, 0, 0, 0, offset) + name)
        end = out.tell()
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), end - directory,
                              directory, 0))
    return path


# Runs the command as its own child and reports that child's peak memory: getrusage(RUSAGE_CHILDREN)
# in this script would also count `scorecard init` and earlier runs.
_MEASURE = (
    "import resource, subprocess, sys, time\n"
    "started = time.perf_counter()\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "seconds = time.perf_counter() - started\n"
    "print(seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, done.returncode)\n"
    "sys.stderr.write(done.stdout + done.stderr)\n"
)


def measure(command: list[str]) -> tuple[float, float, int, str]:
    """(seconds, peak MB, exit code, output) of a command run in a child process."""
    done = subprocess.run([sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True, check=True)
    seconds, peak_kb, code = done.stdout.split()
    return float(seconds), int(peak_kb) / 1024, int(code), done.stderr.strip()


def measure_import(bomb: Path, db: Path) -> tuple[float, float, int, str]:
    """`scorecard import` on the bomb, as a user runs it."""
    return measure([sys.executable, "-m", "scorecard.cli", "--db", str(db), "import", str(bomb)])


# What the Local returns page does with an upload: read it into a plan (admin.read_upload).
_UPLOAD = """
import sys
from pathlib import Path
from scorecard import access, store
from scorecard.importers.base import ImportFailure
from scorecard.ui import admin
con = store.connect(sys.argv[1], read_only=True)
try:
    admin.read_upload(con, Path(sys.argv[2]).name, Path(sys.argv[2]).read_bytes(), access.command_line("benchmark"))
except ImportFailure as exc:
    sys.exit(str(exc))
"""


def measure_upload(bomb: Path, db: Path) -> tuple[float, float, int, str]:
    """The dashboard's uploader on the bomb, in a process of its own (Streamlit itself not loaded)."""
    return measure([sys.executable, "-c", _UPLOAD, str(db), str(bomb)])


def run(expand_mib: int = 1024) -> list[tuple[str, float, float, float, int, str]]:
    """(what, MiB on disk, seconds, peak MB, exit code, output): `scorecard import` of a bomb named .zip and
    one named .csv, and the dashboard's uploader given the one named .csv."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bomb.duckdb"
        subprocess.run([sys.executable, "-m", "scorecard.cli", "--db", str(db), "init"], check=True,
                       capture_output=True)
        results = []
        for name in ("bomb.zip", "bomb.csv"):  # the uploader recognises a ZIP by its bytes, whatever its name
            bomb = write_bomb(Path(tmp) / name, expand_mib)
            results.append((f"scorecard import {name}", bomb.stat().st_size / MIB, *measure_import(bomb, db)))
        results.append((f"uploader, {bomb.name}", bomb.stat().st_size / MIB, *measure_upload(bomb, db)))
        # A backup whose figures' Parquet file is the bomb, beside a real backup's other members.
        real = Path(tmp) / "real-backup.zip"
        subprocess.run([sys.executable, "-m", "scorecard.cli", "--db", str(db), "backup", str(real)], check=True,
                       capture_output=True)
        import zipfile

        with zipfile.ZipFile(real) as archive:
            members = {n: archive.read(n) for n in archive.namelist() if n != "metric_value.parquet"}
        bomb = write_bomb(Path(tmp) / "backup-bomb.zip", expand_mib, member="metric_value.parquet", content=b"\0",
                          extra=members)
        results.append(("scorecard restore --replace backup-bomb.zip", bomb.stat().st_size / MIB,
                        *measure([sys.executable, "-m", "scorecard.cli", "--db", str(db), "restore", "--replace",
                                  str(bomb)])))
    return results


def bench(repeat: int) -> list[tuple[str, float, str]]:
    """For benchmarks/run.py: the refusal's time (one run each; the peak memory is in the label)."""
    return [(f"1 GiB ZIP bomb, {what} ({peak:.0f} MB peak)", seconds * 1000, "target < 2000 ms, < 300 MB")
            for what, _, seconds, peak, _, _ in run()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--expand-mib", type=int, default=1024, help="what the bomb expands to, in MiB")
    args = parser.parse_args()
    for what, size, seconds, peak, code, output in run(args.expand_mib):
        print(f"{what} ({size:.1f} MiB expanding to {args.expand_mib:,} MiB): "
              f"{seconds:.2f} s, peak {peak:.0f} MB, exit code {code}   target < 2 s, < 300 MB")
        print("  " + output.replace("\n", "\n  ")[:600])
    return 0


if __name__ == "__main__":
    sys.exit(main())
