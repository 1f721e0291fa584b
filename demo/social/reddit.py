"""r/brackenford: residents' posts about the council, and the comments under them.

The budget thread of 25 November is the constructive one: residents asked for
concrete ideas and gave them, with reasoned criticism, and the council answered.
The rest are ordinary: questions, a grumble, thanks, a megathread.
"""

from __future__ import annotations

SUBREDDIT = "brackenford"
COUNCIL = "BrackenfordCouncil"  # the council's Reddit account (council_accounts in sources.toml)

# Each post: author, when, title, and either selftext (a text post) or link (a link post), then the comments.
POSTS = [
    {"author": "wealdway_walker", "at": "2026-09-19 08:40", "title": "Bin consultation: fortnightly collections?",
     "link": "https://www.brackenford.gov.uk/news/have-your-say-bin-collections",
     "comments": [
         ("mill_lane_mike", "2026-09-19 09:15", "Here we go. Weekly to fortnightly to monthly.", []),
         ("greenfield_gran", "2026-09-19 10:30",
          "Fortnightly works fine in Wealdshire as long as food waste stays weekly. Do the survey, people.", []),
     ]},
    {"author": "eastgate_trader", "at": "2026-10-22 12:05", "title": "Eastgate Road closed AGAIN until 14 November",
     "selftext": "Third extension. Footfall is down by half since September. Is anyone from the council or the "
                 "gas company actually talking to the traders?",
     "comments": [
         ("redhill_reader", "2026-10-22 12:40", "That's rough. I'll make a point of walking round from Station Road.", []),
         (COUNCIL, "2026-10-22 15:20",
          "Hi, officers are meeting the Eastgate traders with Weald Gas Networks on Monday, and we've asked the "
          "gas company about compensation. Business rates relief may also help: brackenford.gov.uk/ratesrelief",
          [("eastgate_trader", "2026-10-22 16:05", "Thanks, that's the first I've heard of the meeting. I'll be there.", [])]),
     ]},
    {"author": "highgate_hopeful", "at": "2026-11-06 18:30", "title": "Anyone else in Redhill not had their bins emptied?",
     "selftext": "Ten days now. The foxes have had a party.",
     "comments": [
         ("nightshift_nurse", "2026-11-06 18:55", "Same on Coppice Way. Reported it twice.", []),
         (COUNCIL, "2026-11-06 19:40",
          "Sorry about this. Two lorries are off the road for repairs; crews are out on Saturday to catch up "
          "every missed street in Redhill.", []),
         ("highgate_hopeful", "2026-11-07 12:10", "Update: done this morning. Thanks to the crew, they were out in the rain.", []),
     ]},
    {"author": "fullers_yard_dad", "at": "2026-11-10 08:20", "title": "Parking charges doubling in January",
     "link": "https://www.theguardian.com/uk-news/2026/nov/10/brackenford-town-centre-parking-charges-double",
     "comments": [
         ("eastgate_trader", "2026-11-10 09:00", "This will finish off what the road closure started.", []),
         ("ashcombe_commuter", "2026-11-10 09:45",
          "Honestly £4 an hour is still cheaper than most towns round here. The problem is the buses.", []),
         ("mill_lane_mike", "2026-11-10 10:30", "Cash cow. Nothing more.", []),
     ]},
    {"author": "lantern_parade_lou", "at": "2026-11-21 21:10", "title": "The lights switch-on was lovely this year",
     "selftext": "Whoever organised the lantern parade, thank you. Kids had a brilliant time and the choir was great.",
     "comments": [
         ("redhill_reader", "2026-11-21 21:30", "Agreed, best one in years.", []),
         ("greenfield_gran", "2026-11-22 08:15", "The hot chocolate stall from the Scouts was a lovely touch.", []),
     ]},
    {"author": "civic_minded_bfd", "at": "2026-11-24 07:30", "title": "#BrackenfordLive megathread",
     "selftext": "The council is posting 24 hours of contact centre calls today. Post your favourites here.",
     "comments": [
         ("ashcombe_commuter", "2026-11-24 08:10", "Call 31: 'Can the council do something about my neighbour's cockerel.' Iconic.", []),
         ("mill_lane_mike", "2026-11-24 08:40", "Waste of time. Fix the roads.",
          [("redhill_reader", "2026-11-24 09:05",
            "It's volunteers from the contact centre, not the highways team.", [])]),
         (COUNCIL, "2026-11-24 10:30",
          "Thanks for following along. We'll publish what we learned, including the staff time it took.", []),
         ("lantern_parade_lou", "2026-11-24 12:15", "The tortoise call has me in stitches.", []),
     ]},
    # The constructive thread: concrete suggestions, reasoned criticism, a council answer.
    {"author": "wealdway_walker", "at": "2026-11-25 19:30",
     "title": "The council wants ideas for the £14.2m budget gap. What would you actually do?",
     "selftext": "The budget consultation closes on 7 December. Rather than another thread saying the council is "
                 "useless, what would you actually change? Specific ideas please. I'll start: charge for van "
                 "permits at the Quarry Road tip like Wealdshire does, and stop printing the free council magazine "
                 "that goes straight into my recycling.",
     "comments": [
         ("redhill_reader", "2026-11-25 19:52",
          "I'd suggest sharing back-office services with Wealdshire. Two councils fifteen miles apart running two "
          "payroll teams, two IT departments and two legal teams makes no sense. Suffolk districts did this and saved "
          "millions.",
          [("quarry_road_resident", "2026-11-25 20:15",
            "Shared services are worth doing, but they take years to set up and the savings come late. It won't "
            "close next year's gap, so it needs starting now.",
            [("redhill_reader", "2026-11-25 20:31",
              "Fair point. Could the council put a target and a date in the budget so it actually happens?", [])])]),
         ("libraryvolunteer_bfd", "2026-11-25 20:05",
          "Instead of cutting library hours, move the council's customer service desks into the libraries and close "
          "the Civic Centre reception. One building to heat instead of two, and the libraries stay open longer.",
          [(COUNCIL, "2026-11-26 09:40",
            "Thanks, this is a useful idea and one we're looking at for Eastgate. Please add it to the consultation "
            "at brackenford.gov.uk/budget so it is counted; we'll publish a summary of every suggestion in January.",
            [("libraryvolunteer_bfd", "2026-11-26 10:02", "Done. Thanks for replying.", [])])]),
         ("fullers_yard_dad", "2026-11-25 20:20",
          "Please make sure the section 106 money from Fuller's Yard is actually spent on the roads and the school, "
          "and publish where every pound goes each year. Developers should pay for the pressure they create.", []),
         ("ashcombe_commuter", "2026-11-25 20:44",
          "Why not switch the remaining street lights to LED and dim them after midnight? Other councils have halved "
          "their lighting bill, and it pays for itself in a few years.",
          [("nightshift_nurse", "2026-11-25 21:10",
            "Dimming is fine on residential streets, but please not on the path from the station. I walk home at "
            "1am and it's dark enough already.",
            [("ashcombe_commuter", "2026-11-25 21:25",
              "Agreed: keep the main routes and the station path at full brightness and dim the cul-de-sacs.", [])])]),
         ("highgate_hopeful", "2026-11-25 21:02",
          "Stop spending on consultants. The town centre plan cost £2m and produced a PDF. Use the council's own "
          "planners instead, with the university's planning students, for the next one.",
          [("quarry_road_resident", "2026-11-25 21:40",
            "The consultants were a mistake, but that money is spent and won't help next year. Better to stop it "
            "happening again: could the council publish every consultancy contract over £50k?", [])]),
         ("wealdway_walker", "2026-11-25 21:15",
          "Garden waste: instead of half-price offers, make it a yearly subscription by direct debit. Less admin, "
          "and people don't forget to renew.", []),
         ("mill_lane_mike", "2026-11-25 21:30", "Honestly they should just stop wasting money. Everything they touch goes wrong.",
          [("wealdway_walker", "2026-11-25 21:48", "Which bit, specifically? That's the point of the thread.", [])]),
         ("bfd_accountant", "2026-11-25 22:05",
          "Could the council look at temporary accommodation? Buying or leasing homes through a council housing "
          "company costs less than paying for B&Bs within two or three years. Several councils have done it.", []),
         ("eastgate_trader", "2026-11-25 22:30",
          "Parking: how about evening charges instead of doubling daytime tariffs? Doubling them will drive shoppers away, "
          "and then you collect less, not more.", []),
         ("greenfield_gran", "2026-11-26 08:10",
          "Please protect meals on wheels and the day centres. I'd rather pay a little more than lose those.", []),
         ("civic_minded_bfd", "2026-11-26 08:45",
          "Criticism with a suggestion: the consultation asks us to rank services but shows no costs. It would help to "
          "show what each service costs per household per week, so people can make real choices.",
          [(COUNCIL, "2026-11-26 11:20",
            "That's fair. The costs are on page 3 of the consultation pack, but we accept they're hard to find; "
            "we'll put them on the survey page this week.", [])]),
     ]},
    {"author": "battery_hoarder", "at": "2026-11-27 10:15", "title": "Where do I recycle old batteries and small electricals?",
     "selftext": "Got a drawer full of dead batteries and a broken kettle. Does the council collect them?",
     "comments": [
         ("greenfield_gran", "2026-11-27 10:40", "Put batteries in a clear bag on top of your recycling bin, they take them.", []),
         (COUNCIL, "2026-11-27 11:05",
          "That's right for batteries. Small electricals can go in a bag next to your recycling bin on collection "
          "day, or to the Quarry Road recycling centre.",
          [("battery_hoarder", "2026-11-27 11:30", "Perfect, thank you both.", [])]),
     ]},
]
