#!/usr/bin/env python3
"""Render the first pages of a committee pack to PNG, to look at it as a committee would print it.

    python scripts/render_pdf_preview.py --area Plymouth --term "Autumn 2026/27" [--public] [--baseline 2022]
    python scripts/render_pdf_preview.py --pdf pack.pdf --pages 4 --dpi 80 --out previews/

Uses pdftoppm (poppler-utils) when it is installed. Without it, the script still writes the PDF and
each page's extracted text (pypdf), and says how to get the images: rendering a PDF to pixels needs
a rasteriser, which is not a project dependency.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pypdf import PdfReader  # noqa: E402


def make_pdf(args, out: Path) -> Path:
    from datetime import date

    from scorecard import periods, store
    from scorecard.areas import AreaIndex
    from scorecard.reports import pack_bytes

    con = store.connect(args.db, read_only=True)
    area = AreaIndex.from_store(con).resolve(args.area)
    term = args.term or periods.term_for_date(date.today()).label
    data, name, _ = pack_bytes(con, area.code, term, "pdf", public=args.public, baseline=args.baseline,
                               threshold=args.threshold)
    path = out / name
    path.write_bytes(data)
    return path


def render(pdf: Path, out: Path, pages: int, dpi: int) -> list[Path]:
    prefix = out / pdf.stem
    tool = shutil.which("pdftoppm")
    if tool:
        subprocess.run([tool, "-png", "-r", str(dpi), "-f", "1", "-l", str(pages), str(pdf), str(prefix)], check=True)
        return sorted(out.glob(f"{pdf.stem}-*.png"))
    reader = PdfReader(str(pdf))
    written = []
    for i, page in enumerate(reader.pages[:pages], start=1):
        path = out / f"{pdf.stem}-{i}.txt"
        path.write_text(page.extract_text(), encoding="utf-8")
        written.append(path)
    print("pdftoppm not found: wrote each page's text instead. For images install poppler-utils "
          "(apt-get install poppler-utils; on Windows, the poppler binaries).", file=sys.stderr)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pdf", help="an existing PDF; otherwise one is made from the store")
    parser.add_argument("--db", help="store file (default: $SCORECARD_DB or data/scorecard.duckdb)")
    parser.add_argument("--area", default="Plymouth")
    parser.add_argument("--term", help="default: the current term")
    parser.add_argument("--public", action="store_true")
    parser.add_argument("--threshold", type=int, default=5)
    parser.add_argument("--baseline")
    parser.add_argument("--pages", type=int, default=4)
    parser.add_argument("--dpi", type=int, default=80)
    parser.add_argument("--out", default="previews")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    pdf = Path(args.pdf) if args.pdf else make_pdf(args, out)
    pages = len(PdfReader(str(pdf)).pages)
    for path in render(pdf, out, min(args.pages, pages), args.dpi):
        print(path)
    print(f"{pdf} has {pages} pages.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
