"""The council's Mastodon account on mastodon.social, and replies from across the fediverse.

Authors are accounts (user@instance for other instances); clients put an
@mention of the person answered in front of every reply, and so does
demo/render/mastodon.py. The account also boosts a fire service post, which
the collector leaves out, and continues its own #BrackenfordLive post.
"""

from __future__ import annotations

INSTANCE = "mastodon.social"
ACCOUNT = "brackenfordcouncil"
COUNCIL = ACCOUNT
DISPLAY_NAMES = {
    ACCOUNT: "Brackenford Borough Council",
    "alexj@social.coop": "Alex Jordan",
    "ruthreads": "Ruth 📚",
    "redhilldad@mastodon.online": "Redhill Dad",
    "localgovdigital@mastodon.social": "LocalGov Digital Pete",
    "kateh@toot.wales": "Kate H",
    "bfdcyclist": "Brackenford Cyclist",
    "marisa@hachyderm.io": "Marisa Kowalski",
    "wealdshirefire": "Wealdshire Fire and Rescue",
    "quietgardener@mastodon.green": "",  # a compatible server that sends no display name
}

POSTS = [
    {"at": "2026-09-18 10:20",
     "text": "We're asking whether bins should be collected fortnightly, with food waste still weekly. "
             "Tell us what you think by 30 October: brackenford.gov.uk/binsconsultation #Brackenford",
     "replies": [
         ("alexj@social.coop", "2026-09-18 11:05",
          "Is there an accessible version of the survey? The PDF doesn't work with my screen reader.",
          [(COUNCIL, "2026-09-18 12:30",
            "Sorry about that. There's a web version at brackenford.gov.uk/binsconsultation/online, and you can "
            "also answer by phone on 01632 960400.",
            [("alexj@social.coop", "2026-09-18 13:10", "The web version works well, thanks.", [])])]),
     ]},
    {"at": "2026-10-16 15:00",
     "text": "Proposals to reduce weekday afternoon opening at four of our libraries are out for consultation. "
             "Brackenford Central's hours won't change. brackenford.gov.uk/libraries #Libraries",
     "replies": [
         ("ruthreads", "2026-10-16 15:40",
          "Libraries are one of the few warm public spaces left. Please don't cut afternoons in winter.", []),
         ("redhilldad@mastodon.online", "2026-10-16 17:05",
          "Could Redhill open later in the morning instead of closing early? Mornings are quiet, afternoons are "
          "when the kids use it.", []),
     ]},
    {"at": "2026-11-06 13:30",
     "text": "Two of our bin lorries are off the road for repairs. We're sorry: missed streets in Redhill and "
             "Highgate will be collected by Saturday.",
     "replies": [
         ("kateh@toot.wales", "2026-11-06 14:10", "Thanks for the honest update, it helps.", []),
         ("bfdcyclist", "2026-11-06 16:45", "Highgate Road is still waiting, for what it's worth.", []),
     ]},
    {"at": "2026-11-23 16:15",
     "text": "From 7am on Tuesday we'll share a selection of the calls, emails and reports we receive over 24 "
             "hours, anonymously. #BrackenfordLive",
     "replies": [
         (COUNCIL, "2026-11-23 16:17",
          "Nothing that could identify anyone will be posted, and the volunteers are doing this alongside their "
          "usual work.", []),
         ("localgovdigital@mastodon.social", "2026-11-23 17:30",
          "Brave experiment. Will you publish what you learn? Other councils will want to know.",
          [(COUNCIL, "2026-11-23 18:05", "Yes, we'll publish a full review, including the staff time it took.", [])]),
         ("marisa@hachyderm.io", "2026-11-23 19:20",
          "Please make sure nothing identifies anyone, especially in the social care calls.", []),
     ]},
    {"at": "2026-11-25 15:45",
     "text": "What we learned from #BrackenfordLive: 1,412 contacts in 24 hours, a third of them about roads. "
             "The full review follows in December.",
     "replies": [
         ("localgovdigital@mastodon.social", "2026-11-25 16:20",
          "Good write-up. Curious how many of those contacts could have been done online.", []),
         ("quietgardener@mastodon.green", "2026-11-25 18:40", "Fascinating. Thank you for being this open.", []),
     ]},
    {"at": "2026-11-27 08:15",
     "text": "Our gritters have been out since 3am ❄️ Priority routes and how to report an icy pavement: "
             "brackenford.gov.uk/gritting",
     "replies": [
         ("bfdcyclist", "2026-11-27 08:40", "Thank you to the crews out overnight. The cycle path by the canal is "
          "still icy, though.",
          [(COUNCIL, "2026-11-27 09:30", "Thanks, we've passed that to the gritting team.", [])]),
     ]},
]

# Boosts on the account's timeline: (when boosted, the author's account, when they posted, their text).
BOOSTS = [
    ("2026-11-20 09:00", "wealdshirefire", "2026-11-20 08:30",
     "Winter is here. Test your smoke alarm this weekend: it takes ten seconds and it could save your life."),
]
