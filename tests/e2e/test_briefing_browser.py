"""The Weekly export page's briefing downloads in a real browser are what `python -m analysis briefing`
writes for the same week: the HTML byte for byte, the PDF's text."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.trends import default_export_week
from settings.clock import london_date, london_today
from tests.conftest import ROOT
from tests.e2e.test_browser import _no_errors, _settle, _shot

pypdf = pytest.importorskip("pypdf")


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_briefing_downloads_match_the_command_line(page, app_url, tmp_path):
    base, seeded = app_url
    week = default_export_week(london_today(), london_date(max(i.created_at for i in seeded.items)))
    page.goto(f"{base}/export")
    page.get_by_role("button", name="Briefing (HTML)").wait_for()
    _settle(page)
    _no_errors(page)
    _shot(page, "export-with-briefing")
    downloads = {}
    for fmt in ("HTML", "PDF"):
        with page.expect_download(timeout=90_000) as download:
            page.get_by_role("button", name=f"Briefing ({fmt})").click()
        downloads[fmt] = Path(download.value.path()).read_bytes()
        assert download.value.suggested_filename == f"council-pulse-briefing-{week}.{fmt.lower()}"
    for fmt in ("html", "pdf"):
        out = tmp_path / f"briefing.{fmt}"
        result = subprocess.run([sys.executable, "-m", "analysis", "briefing", "--week", week, "--db",
                                 str(seeded.path), "-o", str(out)], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
    assert downloads["HTML"] == (tmp_path / "briefing.html").read_bytes()
    assert downloads["PDF"].startswith(b"%PDF-")
    assert pdf_text(downloads["PDF"]) == pdf_text((tmp_path / "briefing.pdf").read_bytes())
    assert "Weekly briefing" in pdf_text(downloads["PDF"])
