"""The one way the importers open a ZIP: an EES download, and the .xlsx and .ods workbooks that are
ZIPs inside. A small archive can expand to gigabytes (a "ZIP bomb"), so before anything is read the
archive's own directory is checked: how many members, how large each says it expands to, the total,
and how many times each expands. Members are then read in chunks, counted against those limits, so
no member is ever expanded unchecked. Workbooks are vetted here before openpyxl or odfpy opens them.

The limits are in scorecard.limits. Python's zipfile stops a deflated member at the size the archive
declares (and then fails its checksum), so checking the declared sizes also bounds what a workbook
library can expand; other compression methods are refused, as no publisher uses them.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from .. import limits
from ..limits import megabytes
from .base import ImportFailure, Issue, SourceFile

_CHUNK = 1 << 20
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_PROTECT = "Nothing in it was read."


class SafeZip:
    """A ZIP whose directory has passed the limits; `read` expands one member, counting as it goes."""

    def __init__(self, source: SourceFile, archive: zipfile.ZipFile, total_limit: int):
        self.source = source
        self._archive = archive
        self._infos = {i.filename: i for i in archive.infolist()}
        self._total_limit = total_limit
        self._expanded = 0

    def names(self) -> list[str]:
        return list(self._infos)

    def files(self) -> list[str]:
        """Members that are files, not folders, in the archive's order."""
        return [n for n, i in self._infos.items() if not i.is_dir()]

    def __contains__(self, name: str) -> bool:
        return name in self._infos

    def read(self, name: str) -> bytes:
        """One member's bytes, expanded a chunk at a time and never beyond its declared size or
        the limits. Raises KeyError for a member not in the archive, ImportFailure for a bad one."""
        info = self._infos[name]
        allowed = min(info.file_size, limits.MAX_ZIP_MEMBER_BYTES, self._total_limit - self._expanded)
        parts, size = [], 0
        try:
            with self._archive.open(info) as member:
                while chunk := member.read(_CHUNK):
                    size += len(chunk)
                    if size > allowed:
                        raise ImportFailure(self._issue(
                            f"{name} expands beyond {megabytes(allowed)}, more than its ZIP directory declares "
                            "or this tool reads; the archive is damaged or was made to exhaust the server. "
                            "It was not read further."))
                    parts.append(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
            raise ImportFailure(self._issue(f"{name} cannot be read: the archive is corrupt or truncated "
                                            f"({exc})")) from None
        self._expanded += size
        return b"".join(parts)

    def close(self) -> None:
        self._archive.close()

    def _issue(self, message: str) -> Issue:
        return Issue(self.source.name, message)


def open_zip(source: SourceFile, total_limit: int = limits.MAX_ZIP_TOTAL_BYTES) -> SafeZip:
    """Open and vet an archive. Raises ImportFailure, naming the file and the member at fault."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(source.data))
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
        raise ImportFailure(Issue(source.name, f"is not a readable ZIP (corrupt or truncated: {exc})")) from None
    message = archive_problem(archive.infolist(), total_limit)
    if message:
        archive.close()
        raise ImportFailure(Issue(source.name, message))
    return SafeZip(source, archive, total_limit)


class _Named:
    """What SafeZip needs of a file kept on disk (a backup): its name, for messages."""

    def __init__(self, name: str):
        self.name = name


def open_path(path, total_limit: int = limits.MAX_ZIP_TOTAL_BYTES) -> SafeZip:
    """open_zip for an archive on disk, read a member at a time rather than held whole (a backup,
    which may be larger than a file to import). Raises ImportFailure, naming the file and member."""
    from pathlib import Path

    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
        raise ImportFailure(Issue(path.name, f"is not a readable ZIP (corrupt or truncated: {exc})")) from None
    message = archive_problem(archive.infolist(), total_limit)
    if message:
        archive.close()
        raise ImportFailure(Issue(path.name, message))
    return SafeZip(_Named(path.name), archive, total_limit)


def open_workbook(source: SourceFile) -> SafeZip:
    """Open and vet a workbook (.xlsx or .ods), which may expand less than other ZIPs."""
    return open_zip(source, limits.MAX_WORKBOOK_TOTAL_BYTES)


def vet(source: SourceFile) -> None:
    """Check a workbook before openpyxl or odfpy opens it. Raises ImportFailure."""
    open_workbook(source).close()


def archive_problem(infos: list[zipfile.ZipInfo], total_limit: int = limits.MAX_ZIP_TOTAL_BYTES) -> str | None:
    """Why an archive must not be expanded, from its directory alone; None if it may be read."""
    if len(infos) > limits.MAX_ZIP_MEMBERS:
        return (f"holds {len(infos):,} files; a ZIP may hold at most {limits.MAX_ZIP_MEMBERS:,}. {_PROTECT}")
    total = 0
    for info in infos:
        name, size, packed = info.filename, info.file_size, info.compress_size
        if info.flag_bits & 0x1:
            return f"{name} is encrypted; give the file without a password. {_PROTECT}"
        if info.compress_type not in _METHODS:
            return (f"{name} uses a compression method publishers do not use (method {info.compress_type}); "
                    f"save it again as an ordinary ZIP. {_PROTECT}")
        if size > limits.ZIP_RATIO_FROM_BYTES and size > limits.MAX_ZIP_RATIO * max(packed, 1):
            return (f"{name} would expand {size / max(packed, 1):,.0f} times, from {megabytes(packed)} to "
                    f"{megabytes(size)}: a ZIP bomb. A file in a ZIP may expand at most {limits.MAX_ZIP_RATIO} times "
                    f"(published files expand far less). {_PROTECT}")
        if size > limits.MAX_ZIP_MEMBER_BYTES:
            return (f"{name} would expand to {megabytes(size)}; one file in a ZIP may expand to at most "
                    f"{megabytes(limits.MAX_ZIP_MEMBER_BYTES)}. {_PROTECT}")
        total += size
    if total > total_limit:
        kind = "a workbook" if total_limit < limits.MAX_ZIP_TOTAL_BYTES else "a ZIP"
        return (f"would expand to {megabytes(total)} in all; {kind} may expand to at most "
                f"{megabytes(total_limit)}. {_PROTECT}")
    return None
