"""Public text made safe to show: inert in Markdown, direction controls contained, links only http(s).

Public text (comments, titles, author names) is shown with st.text or inside a
dataframe; when it must sit in a caption or heading (which render Markdown) it
goes through `escape_markdown` first.
"""

from __future__ import annotations

import re

# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping
# them all leaves no emphasis, link, image, HTML, heading, list, table, maths ($)
# or Streamlit directive (:red[...], :material/...:) for public text to start.
_MARKDOWN_SPECIAL = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")


# Streamlit's Markdown also turns bare addresses into links after escapes are resolved
# (GFM autolink literals: http://, https://, www., name@host). An invisible word
# joiner after the scheme or "www", and after "@", stops that match.
WORD_JOINER = "\u2060"
_AUTOLINK_START = re.compile(r"(?i)(https?|ftp|www)(?=[:.])")


def escape_markdown(text: object) -> str:
    """Public text made inert for Markdown-rendering elements: one line, every special character
    escaped, bare addresses unlinkable, direction controls kept inside it. It reads the same;
    invisible word joiners (and, around text with direction controls, isolates) are added."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    line = " ".join(str(text).split())
    line = _AUTOLINK_START.sub(lambda m: m.group(1) + WORD_JOINER, line).replace("@", "@" + WORD_JOINER)
    return isolate_direction(_MARKDOWN_SPECIAL.sub(r"\\\1", line))


# Unicode direction controls: an unclosed right-to-left override in an author's name would
# otherwise reverse the rest of the line it sits in (the date, the label beside it).
_ISOLATE_OPENERS = frozenset("\u2066\u2067\u2068")  # LRI, RLI, FSI
_ISOLATE_CLOSER = "\u2069"  # PDI
_DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def isolate_direction(text: str) -> str:
    """`text` unchanged, wrapped in first-strong isolates when it holds direction controls, so
    whatever they open ends with it (a PDI closes the embeddings and overrides opened inside its
    isolate). Stray closers in the text close extra isolates opened for them, never ours."""
    if not _DIRECTION_CONTROLS.search(text):
        return text
    open_isolates = stray_closers = 0
    for char in text:
        if char in _ISOLATE_OPENERS:
            open_isolates += 1
        elif char == _ISOLATE_CLOSER:
            if open_isolates:
                open_isolates -= 1
            else:
                stray_closers += 1
    return "\u2068" * (stray_closers + 1) + text + _ISOLATE_CLOSER * (open_isolates + 1)


def safe_url(url: object) -> str | None:
    """A platform's link, only if it is plain http(s): never javascript: or data:."""
    if isinstance(url, str) and re.match(r"^https?://[^\s]+$", url.strip(), re.IGNORECASE):
        return url.strip()
    return None


def cut(text: object, limit: int) -> str:
    """`text` on one line, cut to `limit` characters with an ellipsis, so a 20,000-character title or name cannot
    fill the screen (plain text: escape it for Markdown; show the whole of it elsewhere)."""
    line = " ".join(str(text or "").split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
