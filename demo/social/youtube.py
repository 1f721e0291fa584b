"""The council's YouTube channel: explainers, a council meeting webcast, #BrackenfordLive in three minutes.

YouTube replies are one level deep; a reply that answers another reply starts
with @name, as the site writes it. Author names are handles ("@Name").
"""

from __future__ import annotations

CHANNEL_ID = "UC4Bk9rQmT2vLxN8pW3yZ1aA"
CHANNEL_TITLE = "Brackenford Borough Council"
COUNCIL = "@BrackenfordCouncil"  # the channel's handle: its replies are the council's

VIDEOS = [
    {"at": "2026-09-18 12:00", "title": "Bin collections: have your say",
     "description": "We're asking whether general waste should be collected every two weeks, with food waste "
                    "collected weekly. Three minutes on what would change and why. Take the survey by 30 October: "
                    "brackenford.gov.uk/binsconsultation",
     "comments": [
         ("@GreenfieldGran", "2026-09-18 14:10", "Very clear explanation, thank you. I'll fill in the survey.", []),
         ("@BrackenfordBiker", "2026-09-18 16:45", "Why not keep weekly collections and cut something else?",
          [(COUNCIL, "2026-09-19 09:30",
            "@BrackenfordBiker Good question. Weekly collections cost about £1.9m a year more; the consultation "
            "pack sets out the other options we looked at.", []),
           ("@BrackenfordBiker", "2026-09-19 10:02", "@BrackenfordCouncil Fair enough, thanks for replying.", [])]),
         ("@MillLaneMum", "2026-09-19 20:15", "What about nappies? That's the biggest worry for families like ours.",
          [(COUNCIL, "2026-09-20 09:05",
            "@MillLaneMum We're looking at a weekly collection for nappies and hygiene waste. Please mention it "
            "in the survey.", [])]),
     ]},
    {"at": "2026-10-14 21:30", "title": "Full council meeting, 14 October 2026",
     "description": "Recording of the full council meeting of 14 October 2026. Agenda and papers: "
                    "brackenford.gov.uk/meetings",
     "comments": [
         ("@WatchingTheCouncil", "2026-10-15 08:20",
          "The sound drops out from 1:12:40 to 1:15:00, right in the libraries debate.",
          [(COUNCIL, "2026-10-15 11:45",
            "@WatchingTheCouncil Thanks for letting us know. The minutes will cover that part, and we're "
            "checking the microphones before the next meeting.", [])]),
         ("@AshcombeResident", "2026-10-15 12:30", "Cllr Patel's point about the libraries at 47:10 was spot on.", []),
         ("@Tom_B", "2026-10-16 19:05", "Three hours and nothing decided. Brilliant.", []),
     ]},
    {"at": "2026-11-06 16:00", "title": "Why your bin may have been missed this week",
     "description": "Two of our collection vehicles are off the road for repairs. Our waste manager explains what "
                    "happened and when missed streets will be collected.",
     "comments": [
         ("@HighgateHannah", "2026-11-06 16:40", "Appreciate the honesty. Two lorries off at once is bad luck.", []),
         ("@RedhillRay", "2026-11-06 17:15", "Still waiting in Redhill. We don't need a video, we need a bin lorry.",
          [(COUNCIL, "2026-11-06 18:00",
            "@RedhillRay Sorry Ray. Crews are working on Saturday to get every missed street done.", [])]),
         ("@FleetWatcher", "2026-11-07 09:10",
          "Could the council keep a spare lorry on a short-term hire for weeks like this? Cheaper than a week of "
          "missed rounds.", []),
     ]},
    {"at": "2026-11-24 20:00", "title": "#BrackenfordLive: 24 hours of calls in 3 minutes",
     "description": "1,412 calls, emails and reports in 24 hours, from potholes to a lost tortoise. Thank you to "
                    "the contact centre volunteers who shared them.",
     "comments": [
         ("@HighgateHannah", "2026-11-24 20:35", "The call about the lost tortoise at 2am 😂 Brilliant video.",
          [("@ColinW", "2026-11-24 20:50", "@HighgateHannah Ha, and the tortoise was found at the end!", []),
           ("@HighgateHannah", "2026-11-24 21:05", "@ColinW I missed that, rewatching now", []),
           ("@Marisa_K", "2026-11-24 21:30",
            "Honestly this made me appreciate the contact centre staff a lot more.", []),
           ("@Tom_B", "2026-11-24 22:10", "Nice PR. Now answer the emails.", []),
           ("@Marisa_K", "2026-11-24 22:25", "@Tom_B they literally showed the emails being answered", []),
           ("@Tom_B", "2026-11-24 22:40", "@Marisa_K a few of them, sure.", []),
           (COUNCIL, "2026-11-25 09:15",
            "@Tom_B We answered 96% of emails within five working days last month, and the figures are on our "
            "website. We know some still take too long.", [])]),
         ("@PennyPincher", "2026-11-24 21:00", "What did this cost?",
          [(COUNCIL, "2026-11-25 09:20",
            "@PennyPincher It was done by volunteers in their normal hours; the full review will publish the "
            "staff time it took.", [])]),
         ("@localgovnerd", "2026-11-25 07:45", "Great idea, more of this please. Every council should try it.", []),
     ]},
    {"at": "2026-11-26 17:00", "title": "Budget 2027/28 explained: where your council tax goes",
     "description": "Cabinet will consider a 4.99% council tax increase on 3 December. Five minutes on where the "
                    "money goes, and why adult social care is most of it.",
     "comments": [
         ("@Dunroamin52", "2026-11-26 17:30", "4.99% again. Unreal.", []),
         ("@ClaireInAshcombe", "2026-11-26 18:10",
          "This is actually really helpful. I didn't realise social care was 60% of the budget.", []),
         ("@SignLanguageSteve", "2026-11-26 19:00",
          "Could you add subtitles? My dad is deaf and wants to follow this.",
          [(COUNCIL, "2026-11-27 09:00",
            "@SignLanguageSteve Subtitles are on now. Thank you for telling us.", [])]),
         ("@Tom_B", "2026-11-26 21:40", "The dislike button would be busy on this one.", []),
     ]},
]
