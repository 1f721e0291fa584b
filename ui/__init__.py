"""What the pages share, one module per job.

- safe_text: public text made inert for Markdown, links only http(s)
- labels: the words and colours for classes and statuses, dates for people
- data: `read(query, *args)`, a store query on a cached, short read-only connection
- filters: the sidebar's period and sources
- charts: the class charts
- threads: the queue's table, a thread's header, score, "did our reply help", reply tree
- spikes: spikes in the period and the threads behind one
- triage: the officer's controls (status, assignee, note, a reply's label, the queue's selection, audit tables)
- identity: who is acting, the login gate, running an officer's action
- remembered_name: the typed name kept by the browser (a cookie) when no login is configured
- freshness: the alert every page shows when a switched-on source is late or quiet
- first_run: what an empty dashboard says, leading to the Sources page
- add_source: adding a source in plain words, testing it, adding and collecting it
- downloads: a table as Excel-safe CSV, recorded in the audit log (the tables' own export is off)
"""
