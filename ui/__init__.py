"""What the pages share, one module per job.

- safe_text: public text made inert for Markdown, links only http(s)
- labels: the words and colours for classes and statuses, dates for people
- data: `read(query, *args)`, a store query on a cached, short read-only connection
- filters: the sidebar's period and sources
- charts: the class charts
- threads: the queue's table, a thread's header, score, "did our reply help", reply tree
- spikes: spikes in the period and the threads behind one
- triage: the officer's controls (status, assignee, note, corrections, bulk actions, audit tables)
- identity: who is acting, the login gate, running an officer's action
- downloads: a table as Excel-safe CSV, recorded in the audit log (the tables' own export is off)
"""
