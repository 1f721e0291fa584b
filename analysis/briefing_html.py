"""The briefing laid out: one self-contained HTML page (styles inline, charts given as data or cid:
addresses, nothing loaded from anywhere), which is also what the PDF is printed from, and the same
words as plain text for email clients that show no HTML.

Every string that came from the public or from a source (posts, quotes, phrases, channel names) is
escaped with html.escape; the only links are to the dashboard's own thread pages.
"""

from __future__ import annotations

from html import escape

import pandas as pd

from analysis.briefing import Briefing, ThreadNote
from analysis.palette import CLASS_COLOURS

FONT = '"Liberation Sans", Arial, "DejaVu Sans", sans-serif'
STYLE = f"""
@page {{ size: A4; margin: 13mm 13mm 14mm 13mm;
        @bottom-right {{ content: "Page " counter(page) " of " counter(pages); font: 8pt {FONT}; color: #505a5f; }}
        @bottom-left {{ content: "Council Pulse weekly briefing"; font: 8pt {FONT}; color: #505a5f; }} }}
body {{ font-family: {FONT}; font-size: 9.5pt; line-height: 1.35;
        color: #0b0c0c; max-width: 800px; margin: 0 auto; padding: 0 8px; }}
h1 {{ font-size: 17pt; margin: 0 0 2px 0; }}
h2 {{ font-size: 11.5pt; margin: 12px 0 4px 0; padding-top: 4px; border-top: 2px solid #1d70b8;
      break-after: avoid; page-break-after: avoid; }}
h3 {{ font-size: 10pt; margin: 8px 0 3px 0; break-after: avoid; page-break-after: avoid; }}
p, ul {{ margin: 3px 0; }}
ul {{ padding-left: 18px; }}
li {{ margin: 2px 0; }}
.sub {{ color: #505a5f; margin: 0 0 6px 0; }}
.demo {{ background: #fff7bf; border-left: 4px solid #ffdd00; padding: 4px 8px; margin: 6px 0; }}
.lead li {{ font-size: 10.5pt; }}
table {{ border-collapse: collapse; width: 100%; margin: 3px 0 6px 0; font-size: 8.6pt; }}
th, td {{ text-align: left; padding: 2px 5px; border-bottom: 1px solid #d8dadc; vertical-align: top; }}
th {{ background: #f3f2f1; font-weight: bold; }}
td.n, th.n {{ text-align: right; white-space: nowrap; }}
tr.total td {{ font-weight: bold; border-top: 1.5px solid #0b0c0c; }}
table.layout {{ table-layout: fixed; }}
table.layout, table.layout td {{ border: none; padding: 0 6px 0 0; }}
img.chart {{ width: 100%; height: auto; }}
.thread {{ margin: 4px 0 7px 0; break-inside: avoid; page-break-inside: avoid; }}
.thread .post {{ font-weight: bold; }}
.meta {{ color: #505a5f; font-size: 8.6pt; }}
blockquote {{ margin: 3px 0 5px 0; padding: 1px 8px; border-left: 3px solid {CLASS_COLOURS["constructive"]};
             break-inside: avoid; page-break-inside: avoid; }}
.neg {{ color: {CLASS_COLOURS["negative"]}; }}
.con {{ color: {CLASS_COLOURS["constructive"]}; }}
.notes {{ color: #505a5f; font-size: 8pt; margin-top: 10px; }}
a {{ color: #1d70b8; }}
"""
NUMERIC = frozenset({"This week", "Last week", "Change", "4-week average", "Against the average", "Items",
                     "vs last week", "vs last week ", "Negative", "Constructive", "Hostile", "Flagged"})
PHRASE_TITLES = {"negative": ("Rising in negative items", "neg"),
                 "constructive": ("Rising in constructive items", "con")}


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _table(frame: pd.DataFrame, total: bool = False) -> str:
    head = "".join(f'<th class="{"n" if c in NUMERIC else ""}">{_e(c.strip())}</th>' for c in frame.columns)
    rows = []
    for n, values in enumerate(frame.itertuples(index=False, name=None)):
        css = ' class="total"' if total and n == len(frame) - 1 else ""
        cells = "".join(f'<td class="{"n" if c in NUMERIC else ""}">{_e(v)}</td>' for c, v in zip(frame.columns, values))
        rows.append(f"<tr{css}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _thread(note: ThreadNote) -> str:
    link = (f' · <a href="{_e(note.link)}">open in the dashboard</a>' if note.link else "")
    return (
        f'<div class="thread"><div class="post">{_e(note.post)}</div>'
        f'<div class="meta">{_e(note.source)} · pile-on score {note.score:.0f} of 100 · status: {_e(note.status)} · '
        f"assigned to {_e(note.assignee)}{link}</div>"
        f"<div>Why flagged: {_e(note.reason)}.</div>"
        f"<div>Our reply: {_e(note.reply)}</div></div>"
    )


def _phrases(briefing: Briefing) -> str:
    cells = []
    for cls, (title, css) in PHRASE_TITLES.items():
        frame = briefing.phrases.get(cls)
        body = [f'<h3 class="{css}">{_e(title)}</h3>']
        if frame is None or frame.empty:
            body.append("<p>Nothing rose above the four weeks before.</p>")
        else:
            items = "".join(
                f"<li><b>{_e(r.phrase)}</b>: {r.items:,} items (before: {r.before:g} a week)"
                f'<br><span class="meta">“{_e(r.example)}”</span></li>'
                for r in frame.itertuples(index=False)
            )
            body.append(f"<ul>{items}</ul>")
        cells.append(f'<td style="width:50%">{"".join(body)}</td>')
    return f'<table class="layout"><tr>{"".join(cells)}</tr></table>'


def _suggestions(briefing: Briefing) -> str:
    if not briefing.suggestions:
        return "<p>No post or comment this week was scored constructive (news headlines are not counted here).</p>"
    parts = []
    for area, quotes in briefing.suggestions:
        parts.append(f"<h3>{_e(area)}</h3>")
        parts += [f'<blockquote>“{_e(q.text)}”<br><span class="meta">{_e(q.where)}</span></blockquote>'
                  for q in quotes]
    return "".join(parts)


def render_html(briefing: Briefing, charts: dict[str, str]) -> str:
    """The briefing as one HTML page. `charts` maps 'daily' and 'channels' to each image's address
    (a data: URI in the file and the PDF, a cid: in an email)."""
    lines = "".join(f"<li>{_e(line)}</li>" for line in briefing.headlines)
    demo = ('<p class="demo">Made from the demo database: recorded examples, not real residents.</p>'
            if briefing.demo else "")
    threads = "".join(_thread(n) for n in briefing.threads) or "<p>No thread was flagged in this week.</p>"
    links = f'<p class="meta">{_e(briefing.thread_links_note)}</p>' if briefing.thread_links_note and briefing.threads else ""
    spikes = ("<ul>" + "".join(f"<li>{_e(s)}</li>" for s in briefing.spikes) + "</ul>" if briefing.spikes else
              "<p>No spike: no channel or service area had a day far above its usual negative or hostile volume.</p>")
    chart_cells = "".join(
        f'<td style="width:50%"><img class="chart" alt="{_e(alt)}" src="{_e(charts[name])}"></td>'
        for name, alt in (("daily", "Public items per day, by class"), ("channels", "Public items per channel, by class"))
        if name in charts
    )
    body = f"""
<h1>Weekly briefing</h1>
<p class="sub">{_e(briefing.heading)} · public posts, comments and news mentions about the council</p>
{demo}
<h2>The week in brief</h2>
<ul class="lead">{lines}</ul>
<h2>The week in numbers</h2>
{_table(briefing.figures)}
<table class="layout"><tr>{chart_cells}</tr></table>
<h2>By channel</h2>
{_table(briefing.channels, total=True)}
<h2>By service area</h2>
{_table(briefing.areas, total=True)}
<h2>Threads that mattered</h2>
{threads}{links}
<h2>Spikes</h2>
{spikes}
<h2>What people are talking about</h2>
<p class="meta">Words and phrases used in more items this week than in an average week of the four before.</p>
{_phrases(briefing)}
<h2>Constructive feedback worth acting on</h2>
<p class="meta">The suggestions the models rated most constructive, by service area; people are not named.</p>
{_suggestions(briefing)}
<h2>How fast we responded to flagged threads</h2>
<ul>{"".join(f"<li>{_e(line)}</li>" for line in briefing.response)}</ul>
<div class="notes">{"".join(f"<p>{_e(n)}</p>" for n in briefing.notes)}</div>
"""
    return (f'<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
            f"<title>Council Pulse weekly briefing, {_e(briefing.week)}</title>"
            f"<style>{STYLE}</style></head><body>{body}</body></html>\n")


def render_text(briefing: Briefing) -> str:
    """The same briefing in plain text (the email's alternative part)."""
    out = [f"Council Pulse weekly briefing: {briefing.heading}", ""]
    if briefing.demo:
        out += ["Made from the demo database: recorded examples, not real residents.", ""]
    out += [f"- {line}" for line in briefing.headlines]
    out += ["", "The week in numbers"]
    out += [f"- {r[0]}: {r[1]} (last week {r[2]}; 4-week average {r[4]})"
            for r in briefing.figures.itertuples(index=False, name=None)]
    out += ["", "Threads that mattered"]
    for note in briefing.threads or []:
        out += [f"- {note.post}", f"  {note.source}; {note.status}, with {note.assignee}; {note.reason}.",
                f"  Our reply: {note.reply}"] + ([f"  {note.link}"] if note.link else [])
    if not briefing.threads:
        out.append("- No thread was flagged in this week.")
    if briefing.spikes:
        out += ["", "Spikes", *[f"- {s}" for s in briefing.spikes]]
    for cls, (title, _) in PHRASE_TITLES.items():
        frame = briefing.phrases.get(cls)
        if frame is not None and not frame.empty:
            out += ["", title, *[f"- {r.phrase}: {r.items} items" for r in frame.itertuples(index=False)]]
    out += ["", "How fast we responded", *[f"- {line}" for line in briefing.response]]
    out += ["", "The charts, tables and suggestions are in the HTML version and the attached PDF."]
    return "\n".join(out) + "\n"
