"""A response body's Content-Encoding undone with a limit counted while decoding.

httpx decodes each network chunk in one call, whatever it expands to, and undoes stacked
encodings (`gzip, gzip`) one after another: a few kilobytes can become gigabytes before
any size check sees them. Here one encoding at most is accepted (gzip or deflate, the
ones asked for in Accept-Encoding), and zlib is never asked for more than the bytes left
under the limit, so a compressed bomb costs at most the limit in memory.
"""

from __future__ import annotations

import zlib

ACCEPT_ENCODING = "gzip, deflate"
STEP = 1024 * 1024  # decoded bytes asked of zlib per call


class TooLarge(Exception):
    """The body decodes to more than the limit."""


class EncodingRefused(Exception):
    """The body's encoding is not one we read (stacked, unknown or corrupt); the message says which."""


class BoundedDecoder:
    """feed() it the raw chunks, then body(): the decoded bytes, never more than `limit` of them
    (TooLarge as soon as there would be more: what was decoded is all there is in memory)."""

    def __init__(self, encoding: str | None, limit: int):
        self.encoding = encoding
        self.limit = limit
        self.size = 0  # decoded bytes produced so far
        self.received = 0  # bytes as sent (what follows a gzip stream is kept by zlib: counted too)
        self._zlib = _decompressor(encoding)
        self._parts: list[bytes] = []

    def feed(self, data: bytes) -> None:
        self.received += len(data)
        if self.received > self.limit:
            raise TooLarge(f"it is more than {self.limit} bytes as sent")
        if self._zlib is None:
            self._keep(data)
            return
        try:
            self._inflate(data)
        except zlib.error:
            if self.encoding != "deflate" or self.size:
                raise EncodingRefused(f"its {self.encoding} encoding is corrupt") from None
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)  # "deflate" sent raw, without the zlib header
            try:
                self._inflate(data)
            except zlib.error:
                raise EncodingRefused("its deflate encoding is corrupt") from None

    def body(self) -> bytes:
        """Everything decoded, once the last chunk was fed."""
        if self._zlib is not None:
            self._inflate(b"")  # what zlib still holds
        return b"".join(self._parts)

    def _inflate(self, data: bytes) -> None:
        while True:
            # At most a step at a time (zlib holds a call's output twice while it builds it), and never
            # more than one byte over what is left: output that reaches it is over the limit.
            step = min(self.limit - self.size + 1, STEP)
            piece = self._zlib.decompress(data, step)
            self._keep(piece)
            data = self._zlib.unconsumed_tail
            if not data and len(piece) < step:  # a full step may leave output inside zlib: ask again
                return

    def _keep(self, piece: bytes) -> None:
        self.size += len(piece)
        if self.size > self.limit:
            raise TooLarge(f"it decodes to more than {self.limit} bytes")
        if piece:
            self._parts.append(piece)


def _decompressor(encoding: str | None):
    if encoding is None:
        return None
    if encoding == "gzip":
        return zlib.decompressobj(zlib.MAX_WBITS | 16)
    return zlib.decompressobj()  # deflate: zlib-wrapped, as HTTP says (raw is tried if that fails)


def decoder(content_encoding: str | None, limit: int) -> BoundedDecoder:
    """A decoder for a response's Content-Encoding header; EncodingRefused for stacked or unknown ones."""
    codings = [c.strip().lower() for c in (content_encoding or "").split(",")]
    codings = ["gzip" if c == "x-gzip" else c for c in codings if c and c != "identity"]
    if len(codings) > 1:
        raise EncodingRefused(f"it is encoded more than once ({', '.join(codings)}), which we do not decode")
    if codings and codings[0] not in ("gzip", "deflate"):
        raise EncodingRefused(f"its content encoding {codings[0]!r} is not one we asked for ({ACCEPT_ENCODING})")
    return BoundedDecoder(codings[0] if codings else None, limit)
