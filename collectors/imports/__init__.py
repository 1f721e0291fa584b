"""Importing what a comms team already has: platform exports and spreadsheets, as items.

`python -m collectors import FILE --format x|hootsuite|meta|csv` reads the file with
ImportCollector (one module per job below) and jobs.imports.import_file saves it like
any collection. Which layouts are read, and where each was checked, is in docs/imports.md.
"""

from collectors.imports.collector import ImportCollector, ImportOptions, default_source_name, import_source
from collectors.imports.dates import parse_when, timezone_named
from collectors.imports.errors import KIND, ImportInputError, SkipRow
from collectors.imports.ids import count, usable_id

__all__ = [
    "KIND", "ImportCollector", "ImportInputError", "ImportOptions", "SkipRow", "count", "default_source_name",
    "import_source", "parse_when", "timezone_named", "usable_id",
]
