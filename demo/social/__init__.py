"""The demo's social channels as written: the council's posts and what people replied.

One module per platform (facebook, instagram, youtube, reddit, mastodon, bluesky).
demo/render/ turns each into that platform's own API answers, which demo/compose.py
writes under demo/payloads/. Brackenford Borough Council and everyone who replies
to it are made up; so is every word.

A reply is (author, "YYYY-MM-DD HH:MM" in UTC, text, [replies]); replies to
replies nest as deep as the platform allows. COUNCIL in a module is the council's
own name on that platform, so its replies are the council's.
"""
