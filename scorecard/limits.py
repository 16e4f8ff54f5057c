"""Every size limit the product enforces, in one place, so a file or a form can never make the
server run out of memory or time. Each limit is checked where input arrives, and the message names it.

The real files are far inside these: the largest published file read (the 2022 EHC plans ZIP) is
2.4 MB expanding to 26 MB, its largest member 11 MB and 69,000 rows; no member of a real release
compresses more than 28 times; a local return for every LA, measure and term is about 20,000 rows.
"""

from __future__ import annotations

MB = 1024 * 1024

# Any file given to `scorecard import` or uploaded to the dashboard. Streamlit's own cap,
# server.maxUploadSize in .streamlit/config.toml, is set to the same number of megabytes.
MAX_FILE_MB = 50
MAX_FILE_BYTES = MAX_FILE_MB * MB

# ZIP archives (EES downloads, and .xlsx and .ods, which are ZIPs), checked before and while reading.
MAX_ZIP_MEMBERS = 1_000
MAX_ZIP_MEMBER_BYTES = MAX_FILE_BYTES  # one member, expanded: a file like any other
MAX_ZIP_TOTAL_BYTES = 250 * MB  # all members, expanded
MAX_ZIP_RATIO = 100  # expanded size / compressed size of one member...
ZIP_RATIO_FROM_BYTES = 1 * MB  # ...for members that expand beyond this (tiny members vary widely)
# A workbook (.xlsx, .ods) is parsed whole by openpyxl or odfpy, which take 30 times its expanded
# size in memory or more, so it may expand less than an EES download (the MoJ's .ods: 2.7 MB).
MAX_WORKBOOK_TOTAL_BYTES = 20 * MB

# A sheet or CSV as read: columns in one row, and cells in a whole workbook, counted while reading
# (an OpenDocument cell repeated a billion times counts a billion; a row padded out to a far cell
# counts every cell between). The widest published file read has 119 columns; the largest workbook
# read (DfE's high needs outturn) about 19,000 cells.
MAX_COLUMNS = 1_000
MAX_WORKBOOK_CELLS = 2_000_000
# A workbook openpyxl loads whole (a local return, so that formulas can be refused) makes a cell object
# for every cell of a sheet's extent that it walks, filled or not: about 300 MB and 3 seconds a
# million. A return for every LA, measure and term (20,000 rows of 8 columns) is 160,000.
MAX_LOADED_WORKBOOK_CELLS = 500_000

# Rows in one file. A local return (CSV or the Excel template) or a targets file is typed or exported
# by an officer; a published release is larger.
MAX_RETURN_ROWS = 250_000
MAX_RELEASE_ROWS = 1_000_000
# The Excel template has a row per measure; it is checked for size before openpyxl loads it whole.
MAX_TEMPLATE_ROWS = 2_000

# Text typed into a form or a return, in characters.
MAX_COMMENTARY_CHARS = 5_000
MAX_EXCEPTION_FIELD_CHARS = 1_000  # each of cause, action, owner
MAX_AUTHOR_CHARS = 200
MAX_NOTE_CHARS = 2_000  # the note on a figure in a local return
MAX_METRIC_NAME_CHARS = 120
MAX_METRIC_SHORT_NAME_CHARS = 60
MAX_METRIC_DESCRIPTION_CHARS = 2_000
MAX_METRIC_TEXT_CHARS = 300  # a metric's cadence, summary sentence or series-break note
MAX_PRIORITY_TITLE_CHARS = 200  # a priority area of the improvement plan


def megabytes(size: int) -> str:
    """'3.5 MB', '1,024 MB': sizes in messages, in the megabytes the limits are set in."""
    value = size / MB
    return f"{value:,.0f} MB" if value >= 10 else f"{value:,.1f} MB"
