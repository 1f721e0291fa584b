"""Rising phrases (class-based TF-IDF over 1-3-grams): what rose is found, what did not is not, stop
words never start or end a phrase, the council's own name is left out, longer phrases win; and the
Trends page shows them."""

from __future__ import annotations

from analysis.phrases import item_phrases, name_words, rising_phrases


def test_a_phrase_that_rose_is_found_with_its_count_and_an_example():
    now = ["The library opening hours are a joke", "Library opening hours cut again", "library opening hours!",
           "Bins were late", "Bins were late again"]
    before = ["Bins were late"] * 12 + ["bins late"] * 4  # 3 and 1 a week before, against 2 and 0 now
    found = rising_phrases(now, before, 4).set_index("phrase")
    assert "library opening hours" in found.index
    assert found.loc["library opening hours", "items"] == 3 and found.loc["library opening hours", "before"] == 0
    assert found.loc["library opening hours", "example"] == "library opening hours!"  # the shortest
    assert "opening hours" not in found.index and "library" not in found.index  # the longer phrase won
    assert not any(p.startswith("bins") for p in found.index)  # fewer than a week before: no rise


def test_stop_words_and_the_councils_name_never_make_a_phrase():
    exclude = name_words(["Brackenford Borough Council", "BrackenfordCouncil", "@brackenford_bc"])
    assert {"brackenford", "borough", "council", "bc"} <= exclude
    phrases = item_phrases("The cost of living at Brackenford Council is 2026 pounds", exclude)
    assert "cost of living" in phrases and "the cost" not in phrases and "living at" not in phrases
    assert not any("brackenford" in p or "council" in p or "2026" in p for p in phrases)


def test_nothing_now_is_an_empty_table():
    assert rising_phrases([], ["anything"], 4).empty


def test_the_trends_page_shows_what_people_are_talking_about(seeded_db):
    from tests.test_pages import open_app

    at = open_app("app_pages/trends.py")
    assert "What people are talking about" in [h.value for h in at.subheader]
    shown = {df.key for df in at.dataframe if df.key} | {"info" for i in at.info if "Nothing rose" in i.value}
    assert shown & {"trends_phrases_negative", "trends_phrases_constructive", "info"}
