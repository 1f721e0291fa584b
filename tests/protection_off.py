"""Switch one protection off for a pytest run, to prove that the tests guarding it then fail.

Used by tests/test_protections_matter.py, which runs each protection's guard tests in a subprocess:

    PULSE_PROTECTION_OFF=markdown-escaping python -m pytest -p tests.protection_off <guard tests>

At the start of the session (before any test module is imported, so `from ui.safe_text import
escape_markdown` in a test sees the replacement too) the named function is replaced by one that
does not protect: an identity, a no-op, a single attempt. PROTECTIONS is the one table of what is
protected, how the protection is removed and which tests guard it; the README's list
"Protections and the tests that prove them" is made from it (tests/test_protections_matter.py
keeps the two in step).
"""

from __future__ import annotations

import importlib
import math
import os
import sys
import tempfile
import zlib
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ENV = "PULSE_PROTECTION_OFF"


@dataclass(frozen=True)
class Protection:
    name: str
    what: str  # the protection, in words
    target: str  # "module:function" that is replaced
    removal: str  # what replaces it, in words
    replace: Callable[[Callable], Callable]  # original -> replacement
    guards: tuple[str, ...]  # test node ids that must fail without it


def _identity_of_first(original):
    return lambda value, *args, **kwargs: value


def _escape_removed(original):
    return lambda text: "" if text is None else str(text)


def _pseudonym_removed(original):
    return lambda author, key: author if isinstance(author, str) and author else None


def _redaction_removed(original):
    return lambda error, secrets: error


def _officer_check_removed(original):
    return lambda actor: getattr(actor, "name", "") or "anyone"


def _everyone_officer(original):
    from store.triage import OFFICER, Actor

    def identify(user, entered_name, rules):
        found = original(user, entered_name, rules)
        return Actor(found.name or "anyone", OFFICER)

    return identify


def _no_login(original):
    from settings.dashboard import AccessSettings

    def current_rules():
        rules = original()
        return AccessSettings(login_configured=False, require_login=False, officers=rules.officers)

    return current_rules


def _any_claim_vouches(original):
    """The old decision: the first claim that names someone, from any issuer, verified or not."""
    def trusted_identity(user, rules):
        named = next((str(user[c]) for c in ("email", "preferred_username", "upn", "name", "sub") if user.get(c)), None)
        return named, frozenset(str(user[c]) for c in ("oid", "sub") if user.get(c))

    return trusted_identity


def _bind_everywhere(original):
    """Streamlit's project config.toml, as a copy that binds 0.0.0.0."""
    from tests.conftest import ROOT

    folder = Path(tempfile.mkdtemp(prefix="pulse-protection-off-")) / ".streamlit"
    folder.mkdir()
    text = (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    (folder / "config.toml").write_text(text.replace('address = "127.0.0.1"', 'address = "0.0.0.0"'), encoding="utf-8")
    return lambda *parts: str(folder.joinpath(*parts))


def _table_export_on(original):
    """Streamlit's project config.toml, as a copy in which the tables offer their own CSV download again."""
    from tests.conftest import ROOT

    folder = Path(tempfile.mkdtemp(prefix="pulse-protection-off-")) / ".streamlit"
    folder.mkdir()
    text = (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    (folder / "config.toml").write_text(text.replace("disableDataExport = true", "disableDataExport = false"),
                                        encoding="utf-8")
    return lambda *parts: str(folder.joinpath(*parts))


def _purge_removed(original):
    return lambda con, now: ({}, [])


def _erase_removed(original):
    return lambda con, author: 0


def _single_attempt(original):
    def open_once(path, read_only, wait_s):
        return original(path, read_only, 0.0)  # one try: the deadline has passed when it fails

    return open_once


def _autocommit(original):
    @contextmanager
    def no_transaction(con):
        yield con  # every statement commits on its own

    return no_transaction


def _always(original):
    return lambda *args, **kwargs: True


def _nothing(original):
    return lambda *args, **kwargs: None


def _no_limit(original):
    return lambda: math.inf


def _no_page_cap(original):
    return lambda: 10**9


def _decoded_whole(original):
    """A decoder as httpx's: every encoding undone in turn, whatever the result's size."""

    class Whole:
        def __init__(self, content_encoding):
            self.codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
            self.raw: list[bytes] = []

        def feed(self, data):
            self.raw.append(data)

        def body(self):
            data = b"".join(self.raw)
            for coding in reversed(self.codings):
                data = zlib.decompress(data, 31 if "gzip" in coding else 15) if coding != "identity" else data
            return data

    return lambda content_encoding, limit: Whole(content_encoding)


def _not_isolated(original):
    return lambda batches, key, failed: batches


def _no_namespace(original):
    return lambda kind, native_id, namespace=None: f"{kind}:{native_id}"


def _read_whole(original):
    return lambda stream, name, declared, budget: stream.read()  # as zipfile's archive.read() did


def _row_error_stops_the_import(original):
    def unreadable_row(error):
        raise error  # as before: the reader's error ends the import where it is

    return unreadable_row


def _no_line_limit(original):
    return lambda: 10**12


PROTECTIONS: tuple[Protection, ...] = (
    Protection(
        "markdown-escaping",
        "public text in captions and headings is escaped, so it cannot become an image, a link or HTML",
        "ui.safe_text:escape_markdown", "str (no escaping)", _escape_removed,
        ("tests/test_ui.py::test_escape_markdown_leaves_no_markup_unescaped",
         "tests/test_pages.py::test_thread_shows_markdown_and_html_verbatim_as_text"),
    ),
    Protection(
        "safe-links",
        "only plain http(s) links are offered; javascript: and data: links never are",
        "ui.safe_text:safe_url", "identity (any link)", _identity_of_first,
        ("tests/test_ui.py::test_safe_url",
         "tests/test_ui.py::test_the_thread_page_offers_no_javascript_link"),
    ),
    Protection(
        "formula-neutralising",
        "cells Excel would run as formulas are prefixed with an apostrophe, on every export path",
        "analysis.export:neutralise_formula", "identity", _identity_of_first,
        ("tests/test_export.py::test_formula_cells_are_neutralised",
         "tests/test_export.py::test_every_export_path_neutralises_formula_cells",
         "tests/test_report.py::test_summary_table_neutralises_formula_like_names",
         "tests/test_table_downloads.py::test_a_table_download_writes_formula_cells_as_text_and_is_recorded"),
    ),
    Protection(
        "no-table-export",
        "tables and charts offer no export of their own (their CSV kept formulas live): client.disableDataExport "
        "in .streamlit/config.toml; the queue and the audit log offer the dashboard's Excel-safe download instead",
        "streamlit.file_util:get_project_streamlit_file_path", "a config.toml with the tables' export on",
        _table_export_on,
        ("tests/test_table_downloads.py::test_the_tables_offer_no_export_of_their_own",),
    ),
    Protection(
        "author-pseudonyms",
        "authors in exports and in the erasure's audit row are keyed (HMAC) pseudonyms",
        "analysis.export:pseudonym", "the author's own name", _pseudonym_removed,
        ("tests/test_export.py::test_weekly_export_rows_columns_and_pseudonyms",
         "tests/test_governance.py::test_erase_removes_an_author_everywhere_and_logs_without_the_name"),
    ),
    Protection(
        "secret-redaction",
        "secret values (tokens, keys, passwords) are scrubbed from every network error, so no page shows one",
        "collectors.http:_redacted", "identity (message kept as raised)", _redaction_removed,
        ("tests/test_http.py::test_secrets_never_appear_in_messages",
         "tests/test_access.py::test_no_page_shows_a_secret"),
    ),
    Protection(
        "url-redaction",
        "secret query parameters are hidden in every address a message quotes",
        "collectors.http:redact_url", "identity", _identity_of_first,
        ("tests/test_http.py::test_redact_url_hides_secret_query_values",),
    ),
    Protection(
        "officer-only-triage",
        "the store refuses a viewer's status, assignment, note, silencing and label changes",
        "store.triage:_require_officer", "no check", _officer_check_removed,
        ("tests/test_triage.py::test_viewers_and_nameless_users_are_refused_by_the_store",
         "tests/test_triage_pages.py::test_the_store_refuses_a_viewer_even_if_the_button_fires"),
    ),
    Protection(
        "officer-only-sources",
        "collecting, adding and switching sources are refused to viewers",
        "jobs.collect_now:_require_officer", "no check", _officer_check_removed,
        ("tests/test_sources_page.py::test_the_control_functions_refuse_anyone_but_an_officer",),
    ),
    Protection(
        "roles",
        "with a login only the listed officers are officers; require_login makes everyone else a viewer",
        "ui.identity:identify", "everyone an officer", _everyone_officer,
        ("tests/test_access.py::test_with_a_login_the_officer_list_decides",
         "tests/test_access.py::test_require_login_without_one_makes_everyone_a_viewer",
         "tests/test_triage_pages.py::test_a_viewer_sees_disabled_controls_and_why"),
    ),
    Protection(
        "login-gate",
        "with a login configured nobody sees any data before signing in",
        "ui.identity:current_rules", "the login ignored", _no_login,
        ("tests/test_triage_pages.py::test_with_a_login_configured_nobody_sees_data_before_signing_in",
         "tests/test_login.py::test_an_anonymous_visitor_sees_nothing_about_the_data_on_any_page"),
    ),
    Protection(
        "gate-before-data",
        "with a login configured the sign-in gate runs before anything reads data: the demo banner, the sidebar's "
        "sources and dates, the page",
        "ui.identity:login_gate", "nothing (only the later gate in the sidebar)", _nothing,
        ("tests/test_login.py::test_an_anonymous_visitor_sees_nothing_about_the_data_on_any_page",),
    ),
    Protection(
        "verified-officer-claims",
        "an officer is recognised only from the configured issuer and tenant, by a verified email or a stable "
        "account id; another issuer or tenant, an unverified email or a name alone makes a viewer",
        "ui.identity:trusted_identity", "the first claim that names someone, unchecked", _any_claim_vouches,
        ("tests/test_login.py::test_wrong_issuer_wrong_tenant_unverified_email_or_a_name_alone_make_a_viewer",
         "tests/test_login.py::test_the_thread_page_lets_only_a_vouched_officer_act"),
    ),
    Protection(
        "localhost-bind",
        "the dashboard listens on 127.0.0.1 only (.streamlit/config.toml)",
        "streamlit.file_util:get_project_streamlit_file_path", "a config.toml that binds 0.0.0.0",
        _bind_everywhere,
        ("tests/test_access.py::test_the_dashboard_binds_to_localhost",),
    ),
    Protection(
        "length-limit",
        "a comment longer than 20,000 characters is cut, and the cut says how much was dropped",
        "analysis.clean:truncate", "identity (no limit)", _identity_of_first,
        ("tests/test_clean.py::test_long_text_is_cut_visibly",
         "tests/test_hostile_input.py::test_long_comments_are_cut_at_the_stated_limit_and_say_so"),
    ),
    Protection(
        "retention-purge",
        "items older than their source's retention period are deleted with their scores and corrections",
        "store.governance:purge_expired", "nothing deleted", _purge_removed,
        ("tests/test_governance.py::test_purge_follows_each_sources_retention",),
    ),
    Protection(
        "erasure",
        "erasing an author deletes their items, scores and corrections, and they leave the exports",
        "store.governance:erase_author", "nothing deleted", _erase_removed,
        ("tests/test_governance.py::test_erase_removes_an_author_everywhere_and_logs_without_the_name",),
    ),
    Protection(
        "lock-retry",
        "opening the database waits, with backoff, while another process holds it",
        "store.db:_open", "a single attempt", _single_attempt,
        ("tests/test_write_safety.py::test_a_connection_waits_while_another_process_holds_the_file",),
    ),
    Protection(
        "batch-transaction",
        "a collected batch is saved with its cursor in one transaction: all of it or none",
        "jobs.collect:transaction", "autocommit (each statement on its own)", _autocommit,
        ("tests/test_write_safety.py::test_a_batch_whose_save_fails_part_way_leaves_nothing_behind",),
    ),
    Protection(
        "credentials-stay-home",
        "a platform's credentials go only to its own https hosts, or to a host the operator lists in "
        "PULSE_TRUSTED_API_HOSTS, checked where they are attached and again on every hop",
        "collectors.trust:may_send_credentials", "always allowed", _always,
        ("tests/test_trust.py::test_credentials_go_nowhere_else_unless_listed",
         "tests/test_credentials_stay_home.py::test_no_secret_reaches_a_host_of_the_sources_choosing",
         "tests/test_credentials_stay_home.py::test_no_secret_reaches_such_a_host_from_the_command_line",
         "tests/test_credentials_stay_home.py::test_no_secret_reaches_such_a_host_through_collect_now",
         "tests/test_credentials_stay_home.py::test_a_redirect_never_carries_credentials_to_another_host"),
    ),
    Protection(
        "public-addresses-only",
        "collectors reach only public addresses (loopback, private, link-local, metadata and the like need "
        "PULSE_TRUSTED_API_HOSTS), checked after DNS on the address connected to, and on every redirect",
        "collectors.trust:address_problem", "every address public", _nothing,
        ("tests/test_trust.py::test_non_public_addresses_are_named",
         "tests/test_private_addresses.py::test_a_source_at_an_internal_address_is_never_asked",
         "tests/test_private_addresses.py::test_a_name_that_resolves_to_an_internal_address_is_refused",
         "tests/test_private_addresses.py::test_a_redirect_to_an_internal_address_is_not_followed"),
    ),
    Protection(
        "addresses-checked-when-configured",
        "every address a source declares (url, base_url, auth_url, content_base_url) is refused when sources.toml or "
        "the Sources form names a loopback, private or metadata address the operator has not listed in "
        "PULSE_TRUSTED_API_HOSTS, or a scheme other than http(s): before anything runs or is written",
        "collectors.trust:check_source_url", "no check", _nothing,
        ("tests/test_source_addresses.py::test_sources_toml_refuses_an_internal_address_naming_the_source_the_key_and_the_variable",
         "tests/test_source_addresses.py::test_sources_toml_refuses_every_scheme_but_http_and_https",
         "tests/test_source_addresses.py::test_the_command_line_refuses_before_anything_runs",
         "tests/test_source_addresses.py::test_the_sources_form_refuses_and_writes_nothing",
         "tests/test_source_addresses.py::test_testing_such_a_source_from_the_form_asks_nothing"),
    ),
    Protection(
        "bounded-decoding",
        "a response is decoded once at most (no stacked encodings) and never to more than the 20 MB cap, "
        "counted while decoding",
        "collectors.decoding:decoder", "every encoding undone in full, as httpx does", _decoded_whole,
        ("tests/test_bounded_work.py::test_a_stacked_gzip_bomb_is_refused_unread",
         "tests/test_bounded_work.py::test_a_gzip_bomb_stops_at_the_cap_while_decoding"),
    ),
    Protection(
        "request-deadline",
        "a request ends at its deadline (60 s, PULSE_REQUEST_DEADLINE_S) however slowly the server drips "
        "or its name server answers",
        "collectors.limits:request_seconds", "no deadline", _no_limit,
        ("tests/test_bounded_work.py::test_a_dripping_server_is_cut_off_at_the_request_deadline",
         "tests/test_bounded_work.py::test_a_name_server_that_never_answers_is_cut_off_at_the_request_deadline"),
    ),
    Protection(
        "source-deadline",
        "a source's run ends at its deadline (900 s, PULSE_SOURCE_DEADLINE_S); what was read is kept",
        "collectors.limits:source_seconds", "no deadline", _no_limit,
        ("tests/test_bounded_work.py::test_a_source_stops_at_its_deadline_and_the_next_source_runs",),
    ),
    Protection(
        "page-cap",
        "a paginated listing is read for at most 100 pages a run (PULSE_MAX_PAGES), with a warning",
        "collectors.limits:max_pages", "no cap", _no_page_cap,
        ("tests/test_bounded_work.py::test_a_guardian_discussion_that_never_ends_stops_at_the_page_cap",
         "tests/test_bounded_work.py::test_a_guardian_search_that_never_ends_stops_at_the_page_cap",
         "tests/test_bounded_work.py::test_youtube_tokens_that_never_end_stop_at_the_page_cap"),
    ),
    Protection(
        "discussion-isolation",
        "one Guardian discussion that fails is a warning, and the discussions after it are still read",
        "collectors.guardian:read_isolated", "its failure stops the source", _not_isolated,
        ("tests/test_bounded_work.py::test_one_broken_discussion_does_not_stop_the_others",),
    ),
    Protection(
        "items-per-source",
        "RSS entries are keyed within their feed and Mastodon statuses within their instance, so no source "
        "takes over another's items",
        "collectors.items:item_key", "kind:native_id for every kind", _no_namespace,
        ("tests/test_items_per_source.py::test_two_feeds_numbering_their_entries_alike_keep_their_own",
         "tests/test_items_per_source.py::test_two_instances_with_the_same_status_ids_keep_their_own"),
    ),
    Protection(
        "value-redaction",
        "the secret values themselves are scrubbed from a source's errors before they are stored, shown or "
        "logged, wherever a platform echoed them",
        "collectors.redact:redact", "identity", _identity_of_first,
        ("tests/test_secret_redaction.py::test_a_key_echoed_in_an_api_error_is_never_stored_or_shown",),
    ),
    Protection(
        "archive-read-limits",
        "an X archive's files are read through a counted stream, at most PULSE_IMPORT_MAX_MB (512) in all and "
        "101 files; one that says it is bigger is refused before any of it is read",
        "collectors.imports.x_archive:read_limited", "each file read whole", _read_whole,
        ("tests/test_bounded_imports.py::test_a_zip_that_inflates_far_beyond_the_cap_is_refused_before_it_is_read",
         "tests/test_bounded_imports.py::test_the_command_line_refuses_the_bomb_in_one_line_and_stores_nothing",
         "tests/test_bounded_imports.py::test_a_counted_stream_stops_a_file_that_does_not_say_its_size",
         "tests/test_bounded_imports.py::test_what_is_read_comes_off_one_budget_for_every_file",
         "tests/test_bounded_imports.py::test_an_archive_with_more_tweet_files_than_any_is_refused"),
    ),
    Protection(
        "csv-row-isolation",
        "a CSV row the csv module refuses (a field over its 131,072-character limit) is one row left out, with its "
        "number; the rows before and after it are kept",
        "collectors.imports.csv_file:unreadable_row", "the row's error stops the import", _row_error_stops_the_import,
        ("tests/test_bounded_imports.py::test_a_field_over_pythons_csv_limit_is_one_row_left_out_and_every_good_row_is_kept",
         "tests/test_imports.py::test_large_files_are_saved_in_batches_and_an_unreadable_row_keeps_the_rows_around_it"),
    ),
    Protection(
        "csv-line-cap",
        "no CSV line is held longer than 4,194,304 characters: a longer one is read in pieces and left out",
        "collectors.imports.csv_file:line_limit", "no limit", _no_line_limit,
        ("tests/test_bounded_imports.py::test_an_endless_line_is_left_out_without_being_held",),
    ),
    Protection(
        "workers-die-with-parent",
        "scoring workers end when the process that started them does, kill -9 included",
        "analysis.lifeline:die_with_parent", "nothing", _nothing,
        ("tests/test_workers_die_with_parent.py::test_scoring_workers_end_when_the_run_is_killed",),
    ),
)

BY_NAME = {p.name: p for p in PROTECTIONS}


def remove(protection: Protection) -> None:
    """Replace the protection's function in its module for the rest of this process."""
    module_name, function = protection.target.split(":")
    module = importlib.import_module(module_name)
    setattr(module, function, protection.replace(getattr(module, function)))


def remove_in_this_process() -> None:
    """In a process a guard test starts (a CLI run): switch off the protection its test process has off."""
    name = os.environ.get(ENV)
    if name:
        remove(BY_NAME[name])


def cli_command(*args: str) -> list[str]:
    """`python -m collectors ARGS` as a guard test runs it: the protection off there too when it is off
    in the test (switched off before anything that uses it is imported)."""
    code = ("import sys; from tests.protection_off import remove_in_this_process; remove_in_this_process(); "
            "from collectors.__main__ import main; sys.exit(main(sys.argv[1:]))")
    return [sys.executable, "-c", code, *args]


def pytest_configure(config) -> None:
    name = os.environ.get(ENV)
    if not name:
        return
    if name not in BY_NAME:
        raise SystemExit(f"{ENV}={name!r} is not a protection (known: {', '.join(BY_NAME)})")
    remove(BY_NAME[name])
    config.stash_protection_off = name  # for the report header


def pytest_terminal_summary(terminalreporter) -> None:
    name = getattr(terminalreporter.config, "stash_protection_off", None)
    if name:
        p = BY_NAME[name]
        terminalreporter.write_line(f"protection switched off: {name} ({p.target} -> {p.removal})")
