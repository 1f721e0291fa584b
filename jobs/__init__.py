"""The jobs the product runs, above collectors/ and analysis/ (neither imports the other).

- run: one collection run (collect every source, score what is new, purge past retention)
- collect: one source's pages saved with their cursor, scored as they are saved
- scoring: scoring stored items and re-flagging their threads; rescoring with new models
- collect_now: the Sources page's "Collect now" and its edits of sources.toml, in a thread
- retention: deleting what is past retention; erasing one person on request
- export: the weekly files and the corrections file, recorded in the audit log
- alerts, delivery: spikes, pile-ons and the daily digest by email and webhook
- progress: a progress bar for the terminal
"""
