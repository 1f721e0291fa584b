"""What the hostile-server tests and bench/hostile.py share: a compressed bomb, and reading the process tree."""

from __future__ import annotations

import os
import zlib
from pathlib import Path

MIB = 1024 * 1024


def gzipped(mib: int, layers: int) -> bytes:
    """`mib` MiB of zeros gzipped `layers` times, made a MiB at a time (never held decoded)."""
    coders = [zlib.compressobj(9, zlib.DEFLATED, 31) for _ in range(layers)]

    def through(data: bytes, flush: bool = False) -> bytes:
        for coder in coders:
            data = coder.compress(data) + (coder.flush() if flush else b"")
        return data

    return b"".join([*(through(bytes(MIB)) for _ in range(mib)), through(b"", flush=True)])


def descendants(pid: int) -> list[int]:
    """Every process descended from `pid`, read from /proc."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parents[int(entry)] = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, of in parents.items() if of == parent]
        found += children
        frontier += children
    return found


def alive(pid: int) -> bool:
    """Whether the process runs (a zombie, dead and not yet reaped, does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
