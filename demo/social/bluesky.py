"""The council's Bluesky account and the replies in its threads.

Authors are handles; DISPLAY_NAMES gives the names people chose. The account
also reposts a local paper's post, which the collector leaves out.
"""

from __future__ import annotations

HANDLE = "brackenfordcouncil.bsky.social"
COUNCIL = HANDLE
DISPLAY_NAMES = {
    HANDLE: "Brackenford Borough Council",
    "brackenfordecho.bsky.social": "Brackenford Echo",
    "spreadsheetsue.bsky.social": "Sue Lambert",
    "eastgatebakery.bsky.social": "Eastgate Bakery",
    "wealdwayrunner.bsky.social": "Jamie",
    "clairebfd.bsky.social": "Claire",
    "gullwatch.bsky.social": "Seagull Watch Brackenford",
    "ashcombeal.bsky.social": "Al in Ashcombe",
    "pennyp.bsky.social": "Penny",
    "nightbus.bsky.social": "",  # no display name set
}

POSTS = [
    {"at": "2026-10-12 11:20",
     "text": "Next year we face a £14.2m budget gap. Tell us which services matter most to you before 7 December: "
             "brackenford.gov.uk/budget",
     "replies": [
         ("spreadsheetsue.bsky.social", "2026-10-12 12:05",
          "Could you publish the spreadsheet behind the £14.2m figure? Happy to dig into it.",
          [(COUNCIL, "2026-10-12 14:30",
            "Yes: the full budget model is in the cabinet papers as a spreadsheet, at brackenford.gov.uk/budget/papers",
            [("spreadsheetsue.bsky.social", "2026-10-12 15:02", "Brilliant, thank you. More councils should do this.", [])])]),
     ]},
    {"at": "2026-10-21 17:10",
     "text": "Eastgate Road will stay closed until 14 November while Weald Gas Networks repairs a second damaged "
             "main. Buses 4 and 4A divert via Station Road.",
     "replies": [
         ("eastgatebakery.bsky.social", "2026-10-21 17:45",
          "Third extension. Our takings are down by half. Traders on Eastgate Road deserve some help here.",
          [(COUNCIL, "2026-10-22 09:15",
            "We're sorry. Officers are meeting traders and the gas company on Monday, and business rates relief "
            "may help: brackenford.gov.uk/ratesrelief", [])]),
         ("wealdwayrunner.bsky.social", "2026-10-21 18:30", "Has the gas company committed to a date this time?", []),
     ]},
    {"at": "2026-11-09 10:20",
     "text": "From 4 January short-stay parking in council car parks will be £4 an hour. Blue badge holders "
             "continue to park free.",
     "replies": [
         ("clairebfd.bsky.social", "2026-11-09 11:00", "Doubling the price won't bring people back to the high street.", []),
         ("ashcombeal.bsky.social", "2026-11-09 12:15", "Glad blue badges stay free, at least.", []),
     ]},
    {"at": "2026-11-21 20:00",
     "text": "The Christmas lights are on ✨ Thank you to everyone who came to Market Square tonight.",
     "replies": [
         ("pennyp.bsky.social", "2026-11-21 20:20", "Gorgeous! The lantern parade was the best bit.", []),
         ("wealdwayrunner.bsky.social", "2026-11-21 21:05", "Lovely evening, well done everyone involved.", []),
     ]},
    {"at": "2026-11-24 07:05",
     "text": "#BrackenfordLive is under way: for the next 24 hours we're sharing what comes in to our contact "
             "centre, anonymously.",
     "replies": [
         ("gullwatch.bsky.social", "2026-11-24 08:30",
          "Call 14: can the council stop the seagulls. We have all been there.",
          [("ashcombeal.bsky.social", "2026-11-24 08:42", "The seagulls are the real Brackenford council.",
            [("gullwatch.bsky.social", "2026-11-24 08:50", "They certainly run Market Square.", [])])]),
         ("nightbus.bsky.social", "2026-11-24 09:10", "Interesting to see how much comes in before 9am.", []),
         ("clairebfd.bsky.social", "2026-11-24 11:45",
          "I'd rather the phones were answered than tweeted about, but fair play for trying something.", []),
     ]},
    {"at": "2026-11-26 10:15",
     "text": "Cabinet will consider a 4.99% council tax increase for 2027/28 on 3 December, including 2% for adult "
             "social care. The papers: brackenford.gov.uk/budget",
     "replies": [
         ("pennyp.bsky.social", "2026-11-26 10:40", "Another maximum rise. Hard to swallow with the libraries being cut.", []),
         ("spreadsheetsue.bsky.social", "2026-11-26 11:30",
          "Read the papers: social care is 60% of the rise. Would be useful to show that on a chart in the post itself.",
          [(COUNCIL, "2026-11-26 12:10", "Good idea, thank you. We'll add a chart to the budget page today.", [])]),
     ]},
]

# Reposts on the account's feed: (when reposted, the author's handle, when they posted, their text).
REPOSTS = [
    ("2026-11-23 18:00", "brackenfordecho.bsky.social", "2026-11-23 17:40",
     "Brackenford council will post every call it takes for 24 hours from 7am tomorrow. Will you follow along?"),
]
