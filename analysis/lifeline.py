"""Worker processes that end with the process that started them, kill -9 included.

A process pool's workers wait on a pipe that they themselves (and their siblings) hold
open, so when the parent is killed with SIGKILL nothing ever tells them: they wait, and
hold their memory, for ever. `die_with_parent()` is called first thing in a worker (the
pool's initializer) and sets two guards:

- the kernel's parent-death signal (Linux prctl PR_SET_PDEATHSIG): SIGKILL when the
  parent goes. It fires when the *thread* that started the worker ends, so pools must be
  used from the thread that lives as long as they do (ours are: `with` blocks, or kept by
  the forkserver's own single thread);
- a watchdog thread on multiprocessing's parent sentinel, a pipe whose other end only the
  process that asked for the worker holds (the main process, also for a forkserver's
  workers): when it reads end-of-file, the parent is gone, and the worker exits. It covers
  what the signal cannot (not Linux; a parent that died before the signal was set).

A forkserver itself already exits when its parent does (its "alive" pipe closes).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
import threading
from multiprocessing.connection import wait

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """In a worker process: end it when its parent ends, however the parent ends."""
    _parent_death_signal()
    parent = multiprocessing.parent_process()
    if parent is not None and parent.sentinel is not None:
        threading.Thread(target=_exit_when_gone, args=(parent.sentinel,), name="lifeline", daemon=True).start()


def _parent_death_signal() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # no libc to call: the watchdog still stands
        pass


def _exit_when_gone(sentinel: int) -> None:
    wait([sentinel])  # returns only when the parent's end of the pipe is closed: it has exited
    os._exit(1)
