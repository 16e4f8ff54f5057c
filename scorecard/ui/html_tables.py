"""Tables as HTML the page writes itself, above all the board summary: real table text that screen
readers read in full, that zooms and reflows, and that the browser's find-in-page finds (a
canvas-drawn table does none of these). Pure functions: no store, no Streamlit.

Every string from the register, a user or a file goes through text_safety.html_text, so it shows
as typed. Each fragment is one line with no blank line in it, so Streamlit's Markdown reads it as a
single HTML block and never as Markdown.

Layout of the summary: on a wide screen, one compact table grouped by priority area, which scrolls
sideways inside its own box, measure column fixed, where the box is a little too narrow. Where it is
narrow (a phone, or 400% zoom), each measure stacks as a short block: its name, then its figure with
its rating beside it, then the rest (direction of travel, period, target, England, the neighbours, the
rank) behind a "More" that opens on demand, so a phone shows every measure's name, figure and
rating within a few screens. The table keeps its roles for screen readers (changing a table's
display drops its roles in some browsers, so they are given explicitly), and only one of the two
layouts' cells is ever displayed, so nothing is read twice.
"""

from __future__ import annotations

from .. import rag, words
from ..summary import SummaryGroup, SummaryRow
from ..text_safety import html_text

# The screen's columns (summary.COLUMNS, in the same order) with their headings and share of the width.
COLUMNS = (("Measure", "Measure", 14), ("Latest", "Latest figure", 12.5), ("Period", "Period", 9),
           ("Direction", "Direction", 7.5), ("Target", "Target", 6), ("Rating", "Rating", 7.5),
           ("England", "England", 12.5), ("Neighbours", "Neighbours' mean", 16.5),
           ("Rank or band", "Rank or band", 14.5))
FIGURE_LABELS = (words.ILLUSTRATIVE_LABEL, words.PROVISIONAL_LABEL, words.SMALL_NUMBERS)
CONTEXT_ONLY = f": context only, {words.NOT_COMPARABLE}"
CONTEXT_TAG = "context only"
CONTEXT_MEANING = ("a total for many areas beside an area's count (bigger areas have more): shown for scale, "
                  f"{words.NOT_COMPARABLE}, with no better or worse")
NOTHING_RATED = ("No measure is rated yet: a rating needs a target, set on the Targets and commentary page. "
                 "Until then each measure is compared with England.")
NARROW = "44rem"  # below this width the table's box stacks each measure
MORE = "More: direction, target, England, rank"  # a stacked measure's detail, opened on demand

STYLE = f"""
.sc-summary{{container-type:inline-size;margin:0 0 0.25rem 0}}
.sc-scroll{{overflow-x:auto;max-width:100%}}
.sc-scroll:focus-visible{{outline:3px solid #ffdd00;outline-offset:2px}}
.sc-table{{border-collapse:collapse;width:100%;min-width:58rem;font-size:0.8rem;line-height:1.2;color:#0b0c0c}}
.sc-table caption{{text-align:left;font-size:0.8rem;padding:0 0 0.25rem 0;caption-side:top}}
.sc-table th,.sc-table td{{padding:0.15rem 0.3rem;border-bottom:1px solid #b1b4b6;vertical-align:top;text-align:left}}
.sc-table thead th{{font-weight:700;border-bottom:2px solid #0b0c0c;background:#f3f2f1}}
.sc-table tbody th[scope=row]{{font-weight:600;position:sticky;left:0;background:#ffffff;z-index:1}}
.sc-table thead th:first-child{{position:sticky;left:0;z-index:2}}
.sc-table tr.sc-group th{{background:#f3f2f1;font-weight:700;font-size:0.86rem;padding-top:0.3rem;
  border-bottom:1px solid #0b0c0c}}
.sc-group-counts{{font-weight:400;margin-left:0.6rem}}
.sc-table td.sc-figure{{font-weight:700}}
.sc-tag{{display:inline-block;font-weight:600;font-size:0.72rem;line-height:1.2;border:1px solid #594d00;
  color:#3d3500;background:#fff7bf;border-radius:0.25rem;padding:0 0.2rem;margin:0.05rem 0 0 0.15rem}}
.sc-tag.sc-context{{border-color:#505a5f;color:#0b0c0c;background:#f3f2f1}}
.sc-rag{{display:inline-block;font-weight:700;border-radius:0.25rem;padding:0 0.35rem;white-space:nowrap}}
.sc-nowrap{{white-space:nowrap}}
.sc-table a{{color:#1d70b8;text-decoration:underline}}
.sc-table a:focus{{outline:3px solid #ffdd00;background:#ffdd00;color:#0b0c0c}}
.sc-summary p.sc-legend{{font-size:0.8rem;margin:0 0 0.3rem 0}}
.sc-table td.sc-more{{display:none}}
@container (max-width:{NARROW}){{
  .sc-table{{min-width:0}}
  .sc-table colgroup{{display:none}}
  .sc-table,.sc-table tbody,.sc-table tr,.sc-table th,.sc-table td,.sc-table caption{{display:block;width:auto}}
  .sc-table thead{{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}}
  .sc-table tr{{border-bottom:1px solid #0b0c0c;padding:0.35rem 0}}
  .sc-table tbody th[scope=row]{{position:static;border:0;font-size:1rem;padding:0 0.3rem 0.15rem}}
  .sc-table td{{border:0;padding:0.05rem 0.3rem;font-size:0.9rem}}
  .sc-table td::before{{content:attr(data-label) ": ";font-weight:400;color:#505a5f}}
  .sc-table td.sc-inline{{display:inline-block;padding-right:0.9rem}}
  .sc-table td.sc-figure{{display:inline-block;min-width:70%;padding-right:0.6rem;vertical-align:top}}
  .sc-table td.sc-figure::before,.sc-table td.sc-rating::before,.sc-table td.sc-more::before{{content:none}}
  .sc-table td.sc-rating{{display:inline-block;vertical-align:top}}
  .sc-table td.sc-detail{{display:none}}
  .sc-table td.sc-more{{display:block;font-size:0.85rem}}
  .sc-more summary{{color:#1d70b8;text-decoration:underline;cursor:pointer;width:fit-content}}
  .sc-more summary:focus-visible{{outline:3px solid #ffdd00;background:#ffdd00;color:#0b0c0c}}
  .sc-more p{{margin:0.1rem 0 0 0}}
  .sc-more .sc-more-label{{color:#505a5f}}
  .sc-table tr.sc-group{{border-bottom:0;padding:0}}
  .sc-table tr.sc-group th{{font-size:1.05rem;padding:0.4rem 0.3rem}}
  .sc-group-counts{{display:block;margin:0}}
}}
.sc-plain{{container-type:inline-size;margin:0 0 0.75rem 0}}
.sc-plain table{{border-collapse:collapse;width:100%;font-size:0.9rem;line-height:1.35;color:#0b0c0c}}
.sc-plain caption{{text-align:left;font-weight:700;padding:0 0 0.25rem 0}}
.sc-plain th,.sc-plain td{{padding:0.25rem 0.4rem;border-bottom:1px solid #b1b4b6;vertical-align:top;text-align:left}}
.sc-plain thead th{{border-bottom:2px solid #0b0c0c;background:#f3f2f1}}
.sc-plain tbody th{{font-weight:600}}
@container (max-width:{NARROW}){{
  .sc-plain table,.sc-plain tbody,.sc-plain tr,.sc-plain th,.sc-plain td,.sc-plain caption{{display:block;width:auto}}
  .sc-plain td:empty{{display:none}}
  .sc-plain thead{{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}}
  .sc-plain tr{{border-bottom:1px solid #0b0c0c;padding:0.3rem 0}}
  .sc-plain th,.sc-plain td{{border:0;padding:0.05rem 0.3rem}}
  .sc-plain td::before{{content:attr(data-label) ": ";color:#505a5f}}
}}
.sc-words{{font-size:0.8rem;line-height:1.35;columns:2 26rem;column-gap:2rem;margin:0.25rem 0 0.75rem 0}}
.sc-words p{{margin:0 0 0.2rem 0;break-inside:avoid;font-size:0.8rem}}
.sc-words-title{{font-weight:700;font-size:0.9rem;margin:0.5rem 0 0.2rem 0}}
.sc-anchor{{scroll-margin-top:4.5rem}}
.sc-top{{container-type:inline-size}}
.sc-top-grid{{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:0.4rem 2rem;margin:0 0 0.5rem 0}}
.sc-top details.sc-releases > summary{{display:none}}
.sc-top details.sc-releases::details-content{{content-visibility:visible;display:block}}
@container (max-width:{NARROW}){{ .sc-top-grid{{grid-template-columns:minmax(0,1fr)}}
  .sc-top details.sc-releases > summary{{display:list-item;color:#1d70b8;text-decoration:underline;cursor:pointer;
    width:fit-content;font-size:0.8rem}}
  .sc-top details.sc-releases:not([open])::details-content{{content-visibility:hidden;display:none}} }}
.sc-top p.sc-glance-all{{font-size:1.45rem;font-weight:700;margin:0 0 0.35rem 0;line-height:1.45}}
.sc-glance ul{{list-style:none;margin:0;padding:0}}
.sc-top .sc-glance li{{margin:0 0 0.2rem 0;padding:0;font-size:1.1rem;line-height:1.4}}
.sc-glance-name{{font-weight:700;margin-right:0.5rem}}
.sc-count{{white-space:nowrap}}
.sc-count.sc-on{{display:inline-block;border-radius:0.25rem;padding:0 0.3rem}}
.sc-top p.sc-glance-none{{font-size:0.95rem;margin:0 0 0.3rem 0}}
.sc-top p.sc-overdue{{font-size:1rem;line-height:1.5;margin:0 0 0.4rem 0;padding:0.2rem 0 0.2rem 0.75rem;
  border-left:5px solid #0b0c0c;color:#0b0c0c}}
.sc-top .sc-staleness,.sc-top .sc-staleness p,.sc-top .sc-staleness li{{font-size:0.8rem;line-height:1.35}}
.sc-top .sc-staleness p{{margin:0 0 0.15rem 0}}
.sc-top .sc-staleness ul{{margin:0;padding-left:1.1rem}}
.sc-top .sc-staleness li{{margin:0 0 0.1rem 0}}
"""


def style_html() -> str:
    """The stylesheet as one line, for st.markdown (a blank line would end the HTML block)."""
    return "<style>" + " ".join(line.strip() for line in STYLE.strip().splitlines()) + "</style>"


def _badge(text: str, rating: str | None) -> str:
    """A rating as shape, word and colour; 'Not rated' in plain text."""
    if not rating:
        return html_text(text)
    return (f'<span class="sc-rag" style="background:{rag.COLOURS[rating]};color:{rag.TEXT_ON[rating]}">'
            f"{html_text(text)}</span>")


def split_labels(text: str) -> tuple[str, list[str]]:
    """'66.7%: 86 of 129 (illustrative)' -> ('66.7%: 86 of 129', ['illustrative']): the labels
    words.figure puts on a figure, so each can stand out as a tag on the figure itself."""
    for first in (*FIGURE_LABELS[:2], None):
        for small in (words.SMALL_NUMBERS, None):
            labels = [x for x in (first, small) if x]
            suffix = f" ({'; '.join(labels)})"
            if labels and text.endswith(suffix):
                return text[: -len(suffix)], labels
    return text, []


def _figure(text: str) -> str:
    figure, labels = split_labels(text)
    tags = "".join(f' <span class="sc-tag">{html_text(label)}</span>' for label in labels)
    return html_text(figure) + tags


def _period(text: str) -> str:
    """The period, with 'behind' as a tag on it where the figure is older than its source should have."""
    suffix = f" ({words.BEHIND_LABEL})"
    if text.endswith(suffix):
        return f'{html_text(text[: -len(suffix)])} <span class="sc-tag">{html_text(words.BEHIND_LABEL)}</span>'
    return html_text(text)


def _comparator(text: str) -> str:
    """A national figure; one that is not like with like carries a 'context only' tag (the legend
    above the table says what it means) in place of the sentence on every row."""
    if text.endswith(CONTEXT_ONLY):
        return f'{html_text(text[: -len(CONTEXT_ONLY)])} <span class="sc-tag sc-context">{CONTEXT_TAG}</span>'
    return html_text(text)


def measure_anchor(metric_id: str) -> str:
    """The id of a measure's detailed card on the page, for the summary's links."""
    return "measure-" + "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in metric_id)


def _row(row: SummaryRow, link: bool) -> str:
    name = html_text(row.measure)
    if link:
        name = f'<a href="#{measure_anchor(row.metric_id)}">{name}</a>'
    # On a narrow screen the figure and the rating share a line and the "sc-detail" cells are not
    # displayed: what they say is in the "More" cell, which is displayed only there.
    cells = {
        "Latest": (_figure(row.latest), "sc-figure"), "Period": (_period(row.period), "sc-detail"),
        "Direction": (html_text(row.direction), "sc-detail"), "Target": (html_text(row.target), "sc-detail"),
        "Rating": (_badge(row.rating, row.rag), "sc-rating"), "England": (_comparator(row.england), "sc-detail"),
        "Neighbours": (_comparator(row.neighbours), "sc-detail"),
        "Rank or band": (html_text(row.position), "sc-detail"),
    }
    html = [f'<tr role="row"><th scope="row" role="rowheader">{name}</th>']
    for key, heading, _ in COLUMNS[1:]:
        content, css = cells[key]
        html.append(f'<td class="{css}" data-label="{html_text(heading)}" role="cell">{content}</td>')
    more = "".join(f'<p><span class="sc-more-label">{html_text(heading)}:</span> {cells[key][0]}</p>'
                   for key, heading, _ in COLUMNS[1:] if cells[key][1] == "sc-detail")
    html.append(f'<td class="sc-more" data-label="More" role="cell"><details><summary>{html_text(MORE)}</summary>'
                f"{more}</details></td>")
    return "".join(html) + "</tr>"


def summary_caption(area_name: str, term_words: str, total: SummaryGroup) -> str:
    """'Board summary for Plymouth, Autumn term 2026/27. 9 figures are illustrative: ...'."""
    caption = f"Board summary for {area_name}, {term_words}"
    illustrative = sum(r.illustrative for r in total.rows)
    if illustrative:
        caption += (f". {illustrative} figure{'s are' if illustrative > 1 else ' is'} illustrative: made-up sample "
                    "figures, labelled on the figure, not real data")
    return caption


def summary_table_html(groups: list[SummaryGroup], caption: str, link_rows: bool = True) -> str:
    """The board summary: one table, a heading row per priority area with its counts in words, and
    a row per measure (each measure's name linking to its detailed card when `link_rows`), with
    the legend for 'context only' above it when a row uses it."""
    cols = "".join(f'<col style="width:{share}%">' for _, _, share in COLUMNS)
    head = "".join(f'<th scope="col" role="columnheader">{html_text(heading)}</th>' for _, heading, _ in COLUMNS)
    body = []
    for group in groups:
        body.append(f'<tbody role="rowgroup"><tr class="sc-group" role="row">'
                    f'<th colspan="{len(COLUMNS)}" scope="colgroup" role="columnheader">{html_text(group.heading)}'
                    f'<span class="sc-group-counts">{html_text(group.counts_words)}</span></th></tr>')
        body.extend(_row(r, link_rows) for r in group.rows)
        body.append("</tbody>")
    rows = [r for g in groups for r in g.rows]
    legend = ""
    if any(r.england.endswith(CONTEXT_ONLY) or r.neighbours.endswith(CONTEXT_ONLY) for r in rows):
        legend = (f'<p class="sc-legend"><span class="sc-tag sc-context">{CONTEXT_TAG}</span>'
                  f'{html_text(": " + CONTEXT_MEANING)}</p>')
    return (f'<div class="sc-summary">{legend}<div class="sc-scroll" tabindex="0" role="region" '
            f'aria-label="{html_text(caption)}"><table class="sc-table" role="table">'
            f'<caption>{html_text(caption)}</caption><colgroup>{cols}</colgroup>'
            f'<thead role="rowgroup"><tr role="row">{head}</tr></thead>{"".join(body)}</table></div></div>')


def _counts(group: SummaryGroup, short: bool = False) -> str:
    """'■ 3 red, ▲ 2 amber, ● 5 green, 4 not rated', each non-zero rating on its own colour, and
    each count kept on one line with its comma; then 'plus 2 rated on illustrative figures' (with
    `short`, under the whole card's counts that say it in full: 'plus 2 illustrative')."""
    parts = []
    for key in (rag.RED, rag.AMBER, rag.GREEN):
        n = group.counts.get(key, 0)
        text = html_text(f"{rag.ICONS[key]} {n} {key.lower()}")
        if n:
            text = (f'<span class="sc-count sc-on" style="background:{rag.COLOURS[key]};color:{rag.TEXT_ON[key]}">'
                    f"{text}</span>")
        parts.append(f'<span class="sc-count">{text}&#44;</span>')
    parts.append(f'<span class="sc-count">{html_text(f"{group.not_rated} not rated")}</span>')
    if group.illustrative_rated:  # ratings on made-up figures: never in the counts
        parts[-1] = parts[-1].replace("</span>", "&#59;</span>", 1)
        said = (f"plus {group.illustrative_rated} illustrative" if short
                else words.illustrative_rated_words(group.illustrative_rated))
        parts.append(f'<span class="sc-count">{html_text(said)}</span>')
    return " ".join(parts)


def glance_html(groups: list[SummaryGroup], total: SummaryGroup) -> str:
    """The R/A/G counts, large and in words: every measure, then each priority area."""
    items = "".join(f'<li><span class="sc-glance-name">{html_text(g.heading)}:</span>{_counts(g, short=True)}</li>'
                    for g in groups)
    measures = f"{len(total.rows)} measure" + ("" if len(total.rows) == 1 else "s")
    none = ""
    if not any(total.counts.values()):
        none = (f'<p class="sc-glance-none">{html_text(NOTHING_RATED)}</p>')
    return (f'<div class="sc-glance"><p class="sc-glance-all">{html_text(measures)}: {_counts(total)}</p>{none}'
            f"<ul>{items}</ul></div>")


def staleness_html(lines: list[str]) -> str:
    """The staleness statement, said once: national figures lag, and each source's latest figures
    and next release (sources_info.latest_releases). On a wide screen the releases are listed; on a narrow
    one they open on demand (one list, shown or folded by the stylesheet, so it is said once)."""
    items = "".join(f"<li>{html_text(line)}</li>" for line in lines)
    return ('<div class="sc-staleness"><p><strong>National figures are published a year or more after the period '
            "they cover</strong>, so each figure shows its own period.</p><details class=\"sc-releases\">"
            f"<summary>The latest releases</summary><ul>{items}</ul></details></div>")


def top_html(groups: list[SummaryGroup], total: SummaryGroup, releases: list[str], overdue: str | None = None) -> str:
    """The first screen: a release behind the figures past due, in one plain sentence at body size
    (sources_info.overdue_sentence), then the counts beside the staleness statement (one above the
    other when narrow)."""
    staleness = staleness_html(releases) if releases else ""
    said = f'<p class="sc-overdue">{html_text(overdue)}</p>' if overdue else ""
    return (style_html() + f'<div class="sc-top">{said}<div class="sc-top-grid">{glance_html(groups, total)}'
            f"{staleness}</div></div>")


def table_html(frame, caption: str, row_headers: bool = True) -> str:
    """Any small table (a DataFrame) as an HTML table with a caption: column headings, the first
    column as row headings when `row_headers`, every cell as text. Stacks per row when narrow."""
    columns = [str(c) for c in frame.columns]
    head = "".join(f'<th scope="col" role="columnheader">{html_text(c)}</th>' for c in columns)
    rows = []
    for record in frame.itertuples(index=False):
        cells = []
        for i, (column, value) in enumerate(zip(columns, record)):
            text = "" if value is None or (isinstance(value, float) and value != value) else str(value)
            if i == 0 and row_headers:
                cells.append(f'<th scope="row" role="rowheader">{html_text(text)}</th>')
            else:
                cells.append(f'<td data-label="{html_text(column)}" role="cell">{html_text(text)}</td>')
        rows.append(f'<tr role="row">{"".join(cells)}</tr>')
    return (f'{style_html()}<div class="sc-plain"><div class="sc-scroll" tabindex="0" role="region" '
            f'aria-label="{html_text(caption)}"><table role="table"><caption>{html_text(caption)}</caption>'
            f'<thead role="rowgroup"><tr role="row">{head}</tr></thead>'
            f'<tbody role="rowgroup">{"".join(rows)}</tbody></table></div></div>')


def glossary_html(entries: list[tuple[str, str]], title: str = "Words used on this page") -> str:
    """Glossary entries (words.terms_used or words.GLOSSARY) as a titled list in small print."""
    items = "".join(f"<p><strong>{html_text(term)}</strong>{html_text(': ' + meaning)}</p>" for term, meaning in entries)
    return f'{style_html()}<p class="sc-words-title">{html_text(title)}</p><div class="sc-words">{items}</div>'
