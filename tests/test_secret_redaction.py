"""Secret values never reach stored or shown text, wherever a platform repeats them (issue 16, finding 8).

http.py scrubs the secrets of a request from its own messages, but a platform can echo a key
in an error's body (a YouTube `reason`), which a collector then puts into words. Redaction is
by value, where a source's errors become stored text (jobs.collect): the configured
secrets themselves and every secret a request of the process carried.
"""

from __future__ import annotations

from collectors import graph, guardian, mastodon, reddit, youtube
from collectors.redact import redact, secret_variables
from jobs import collect_now
from jobs.collect import collect_all, collect_source
from settings.sources import SourceConfig
from store.db import connect
from store.triage import OFFICER, Actor
from tests.replay import Routes, everything_stored, json_response, quick_http

KEY = "AIzaSyEchoedBackKey-7f3e9a"


def echoing_youtube(httpserver) -> SourceConfig:
    """A YouTube API that refuses the key and repeats it in every field of its error."""
    error = {"error": {"code": 400, "message": f"API key not valid: {KEY}", "errors": [
        {"reason": f"badKeyFormat:{KEY}", "message": f"The key {KEY} is not valid", "domain": "usageLimits"}]}}
    Routes().install(httpserver).add("/youtube/v3/channels", lambda r: json_response(error, 400))
    return SourceConfig(name="Echoing YouTube", kind="youtube", options={"channel_id": "UCcouncil"},
                        base_url=httpserver.url_for("/youtube/v3"))


def test_a_key_echoed_in_an_api_error_is_never_stored_or_shown(httpserver, monkeypatch, db_path, capsys):
    monkeypatch.setenv("YOUTUBE_API_KEY", KEY)
    source = echoing_youtube(httpserver)
    with quick_http(tries=1) as http:
        [result] = collect_all([source], db_path, http)
    job = collect_now.start_collection([source], db_path, Actor("Jo Officer", OFFICER))  # and from the Sources page
    assert job.wait(120) and job.error is None
    shown = [result.summary(), *(r.summary() for r in job.results), job.outcome()]
    assert "badKeyFormat:[redacted]" in result.error  # the reason is still there, in words
    with connect(db_path, read_only=True) as con:
        audit = str(con.execute("SELECT * FROM actions").fetchall())
    out = capsys.readouterr()
    assert [text for text in [*shown, everything_stored(db_path), audit, out.out, out.err] if KEY in text] == []


def test_a_traceback_is_logged_without_the_secret(monkeypatch, db_path, capsys):
    """A collector's bug is logged with its traceback: the secret in it is scrubbed first."""
    monkeypatch.setenv("YOUTUBE_API_KEY", KEY)

    class Broken:
        def fetch(self, cursor):
            raise KeyError(f"no such field in https://www.googleapis.com/youtube/v3/videos?key={KEY}")
            yield  # a generator, as collectors are

    result = collect_source(SourceConfig(name="Broken", kind="youtube", options={}), db_path, None,
                            collector=Broken())
    err = capsys.readouterr().err
    assert "Traceback" in err and "KeyError" in err
    assert KEY not in err and KEY not in result.error and KEY not in everything_stored(db_path)


def test_a_secret_a_request_carried_is_scrubbed_as_sent_and_url_encoded(httpserver):
    token = "runtime-bearer/token+x7"  # fetched during a run (say Reddit's OAuth token): in no variable
    httpserver.expect_request("/api").respond_with_data("{}", content_type="application/json")
    with quick_http(tries=1) as http:
        http.get(httpserver.url_for("/api"), headers={"Authorization": f"bearer {token}"})
    text = redact(f"error: {token} / https://x.example/?t=runtime-bearer%2Ftoken%2Bx7")
    assert "runtime-bearer" not in text and text.count("[redacted]") == 2


def test_every_secret_a_collector_reads_is_scrubbed():
    read = {guardian.SEARCH_SECRET, mastodon.TOKEN_VARIABLE, reddit.CLIENT_ID, reddit.CLIENT_SECRET, youtube.SECRET,
            graph.TOKEN_VARIABLE}
    assert set(secret_variables()) == read
