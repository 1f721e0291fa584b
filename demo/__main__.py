"""`python -m demo build [--db PATH] [--fresh]`: the demo database from recorded payloads.

The payloads in demo/payloads are served on 127.0.0.1 by a local replay server
and collected by the real collectors, then scored by the real models; the
database is marked as demo data so the dashboard says so.
"""

from __future__ import annotations

import argparse
import sys

from demo.build import DemoBuildError, build
from settings.sources import ConfigError
from store.db import DatabaseBusy, db_path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m demo", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("build", help="build the demo database (a database that already holds data is left as it is, unless --fresh)")
    run.add_argument("--db", help="database file (default: $PULSE_DB or data/pulse.duckdb)")
    run.add_argument("--fresh", action="store_true", help="delete the database first and build it again")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        report = build(db_path(args.db), fresh=args.fresh)
    except (DemoBuildError, ConfigError, DatabaseBusy, OSError) as error:
        print(f"error: the demo could not be built: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: no demo database was written", file=sys.stderr)
        return 130
    print("\n".join(report.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
