"""Turning what platforms send (HTML, entities, links, odd whitespace) into plain text.

Done once, when an item is stored; the clean text is what is scored, shown and
exported. Emoji, right-to-left text and other scripts are kept as they are.
"""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser
from urllib.parse import urlsplit

# A comment longer than this is cut, visibly, so one pasted essay cannot slow
# scoring or swamp a page. Chosen well above any platform's own limit for
# comments (YouTube 10,000, Facebook 8,000) so real comments are never cut.
MAX_TEXT_CHARS = 20_000
TRUNCATION_MARK = " … [cut: {dropped:,} more characters]"

_BLOCK_TAGS = {"p", "br", "div", "li", "blockquote", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "hr"}
_SKIP_TAGS = {"script", "style", "template", "noscript"}
_URL = re.compile(r"\bhttps?://[^\s<>\"'()\[\]]+", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_OTHER_SPACE = re.compile("[\t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_BLANK_LINES = re.compile(r"\n\s*\n+")
# Control characters other than newline and tab carry nothing a reader needs.
_CONTROL = {c: None for c in range(32) if c not in (9, 10)} | {127: None}
_LOOKS_LIKE_HTML = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>|&[#a-zA-Z0-9]+;")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIP_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def parsed_html_to_text(markup: str) -> str:
    """html_to_text through html.parser: any markup at all."""
    parser = _TextExtractor()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # html.parser is lenient, but never let odd markup lose the text
        return html.unescape(re.sub(r"<[^>]*>", " ", markup))
    return "".join(parser.parts)


# The fast path. Most HTML that platforms send is plain paragraphs, line breaks, links and
# spans with quoted attributes; html.parser takes 3.5-4x as long as this over such text.
# It takes only tags it knows html.parser treats plainly (no script/style/raw-text
# elements): an allow-listed name, attributes only as name="value" or name='value' (no <
# or > inside), optional "/" before ">"; end tags bare. Text between tags is unescaped
# piece by piece, as html.parser with convert_charrefs does (it cuts text at every "<").
# Anything else ("<" outside such a tag: comments, doctype, CDATA, other tags, odd or
# unquoted attributes, a stray "<") returns None and goes through html.parser.
_PLAIN_TAGS = _BLOCK_TAGS | {
    "a", "span", "b", "i", "em", "strong", "u", "s", "small", "sub", "sup", "code", "abbr",
    "cite", "q", "mark", "del", "ins", "ul", "ol", "td", "th", "table", "tbody", "thead",
}
_SIMPLE_TAG = re.compile(
    r"<(?:([a-zA-Z][a-zA-Z0-9]*)"  # start tag: name,
    r"(?:[ \t\n\r\f]+[a-zA-Z_:][-a-zA-Z0-9_:.]*=(?:\"[^\"<>]*\"|'[^'<>]*'))*"  # quoted attributes,
    r"[ \t\n\r\f]*/?"  # optional "/" (<br/>)
    r"|/([a-zA-Z][a-zA-Z0-9]*)[ \t\n\r\f]*)>"  # or end tag: name
)


def simple_html_to_text(markup: str) -> str | None:
    """html_to_text for simple markup (see above), or None when it is not that simple."""
    parts: list[str] = []
    start = 0
    for tag in _SIMPLE_TAG.finditer(markup):
        if tag.start() > start:
            text = markup[start : tag.start()]
            if "<" in text:
                return None
            parts.append(html.unescape(text))
        name = (tag[1] or tag[2]).lower()
        if name not in _PLAIN_TAGS:
            return None
        if name in _BLOCK_TAGS:
            parts.append("\n")
        start = tag.end()
    text = markup[start:]
    if "<" in text:
        return None
    parts.append(html.unescape(text))
    return "".join(parts)


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment; tags dropped, entities decoded."""
    text = simple_html_to_text(markup)
    return parsed_html_to_text(markup) if text is None else text


def _odd_spacing(text: str) -> bool:
    """Whether _SPACES would change text: two spaces in a row, or any other kind of space."""
    if "  " in text:
        return True
    if text.isascii():  # ASCII has only these three
        return "\t" in text or "\f" in text or "\v" in text
    return _OTHER_SPACE.search(text) is not None


def _link_to_host(match: re.Match) -> str:
    host = urlsplit(match.group(0)).hostname or ""
    return f"[{host.removeprefix('www.')}]" if host else ""


def clean_text(raw: str | None, max_chars: int = MAX_TEXT_CHARS) -> str:
    """Plain, readable text from a platform's raw text (HTML or plain)."""
    if not raw:
        return ""
    text = unicodedata.normalize("NFC", str(raw))
    # Each step runs only when it can change something (the same result, far less CPU on
    # the common case of one plain line with single spaces and no link): `in` and
    # isprintable (no control character is printable) are much cheaper than a regex search.
    if ("<" in text or "&" in text) and _LOOKS_LIKE_HTML.search(text):
        text = html_to_text(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isprintable():
        text = text.translate(_CONTROL)
    if "://" in text:
        text = _URL.sub(_link_to_host, text)
    if _odd_spacing(text):
        text = _SPACES.sub(" ", text)
    if "\n" in text:
        text = "\n".join(line.strip() for line in text.split("\n"))
        text = _BLANK_LINES.sub("\n\n", text)
    return truncate(text.strip(), max_chars)


def truncate(text: str, max_chars: int = MAX_TEXT_CHARS) -> str:
    """Cut text longer than max_chars, saying how much was dropped."""
    if len(text) <= max_chars:
        return text
    return text[:max_chars].rstrip() + TRUNCATION_MARK.format(dropped=len(text) - max_chars)
