"""The council's Facebook Page: its posts and the comments under them.

Most posts draw a handful of questions, thanks and grumbles, answered by the
page. The council tax post of 26 November draws a pile-on: some thirty angry
public comments from two dozen people within three hours, a copy-pasted line,
a council reply that is argued with, and one calmer voice.
"""

from __future__ import annotations

PAGE_ID = "104958162837"
COUNCIL = "Brackenford Council"  # the Page's name: its replies are the council's

# Each post: when, the message, its reactions, and the comments (replies nest under the comment answered).
POSTS = [
    {"at": "2026-09-18 10:15", "likes": 64,
     "text": "We want your views on bin collections. Should general waste be collected every two weeks, "
             "with food waste still collected weekly? The consultation is open until 30 October: "
             "brackenford.gov.uk/binsconsultation",
     "comments": [
         ("Karen Holloway", "2026-09-18 10:48",
          "Fortnightly with a family of five? We'd need a bigger bin, simple as that.",
          [(COUNCIL, "2026-09-18 11:30",
            "Hi Karen, households of five or more will be able to ask for a larger bin. Please say so in the "
            "survey so we can plan the numbers.",
            [("Karen Holloway", "2026-09-18 11:42", "Thank you, will do.", [])])]),
         ("Dev Mistry", "2026-09-18 12:05", "Done the survey. Please keep food waste weekly whatever happens.", []),
         ("Sue Brannigan", "2026-09-18 19:22", "Is there a paper copy? My mum doesn't use the internet.",
          [(COUNCIL, "2026-09-19 08:50",
            "Hi Sue, yes: paper copies are at every library and at the Civic Centre reception, or call "
            "01632 960400 and we'll post one out.", [])]),
     ]},
    {"at": "2026-09-24 09:40", "likes": 23,
     "text": "Overnight resurfacing on the A4127 Wealdway starts on 5 October, between the Fuller's Yard "
             "roundabout and Mill Lane, 8pm to 6am for three weeks. Signed diversions will be in place.",
     "comments": [
         ("Gary Tulloch", "2026-09-24 10:15", "Finally. That stretch has been dreadful for years.", []),
         ("Amira Haddad", "2026-09-24 12:30", "Will the 4A still run at night?",
          [(COUNCIL, "2026-09-24 13:05",
            "Hi Amira, yes, the 4A keeps running and will divert via Station Road after 8pm.", [])]),
     ]},
    {"at": "2026-09-30 12:10", "likes": 31,
     "text": "Households on a low income may be able to get up to 85% off their council tax bill. "
             "Check if you are eligible and apply by 31 October: brackenford.gov.uk/counciltaxsupport",
     "comments": [
         ("Linda Marsh", "2026-09-30 14:02", "Thank you for sharing this, I had no idea we could get help.", []),
     ]},
    {"at": "2026-10-02 17:00", "likes": 88,
     "text": "Planning committee has approved 240 homes at Fuller's Yard, including 72 affordable homes, "
             "a new health hub and £1.1m towards school places.",
     "comments": [
         ("Phil Roper", "2026-10-02 17:25",
          "240 more homes and not one new GP. Where are these people supposed to go?",
          [(COUNCIL, "2026-10-03 09:10",
            "Hi Phil, the scheme includes a new health hub on the site, paid for by the developer, which the "
            "NHS will run.", [])]),
         ("Jenny Akers", "2026-10-02 18:02",
          "Good news for young people trying to get on the ladder. 72 affordable homes is a start.", []),
         ("Martin Sewell", "2026-10-02 20:40", "The A4127 is already gridlocked at 8am. This will make it worse.", []),
     ]},
    {"at": "2026-10-07 08:30", "likes": 45,
     "text": "Garden waste: new subscribers can sign up for £26 instead of £52 until 31 October.",
     "comments": [
         ("Rosie Lund", "2026-10-07 09:12", "Signed up, thanks!", []),
         ("Tony Beckett", "2026-10-07 10:40", "Why is it £52 normally? It used to be free.",
          [(COUNCIL, "2026-10-07 11:55",
            "Hi Tony, councils don't have to collect garden waste for free, and the charge covers what the "
            "service costs so it doesn't come out of council tax.", [])]),
     ]},
    {"at": "2026-10-09 09:00", "likes": 52,
     "text": "For World Mental Health Day, Brackenford Leisure Centre is running free wellbeing sessions all "
             "this week. No need to book.",
     "comments": [
         ("Sarah Jeffs", "2026-10-09 11:20", "Thank you for doing this. It matters.", []),
     ]},
    {"at": "2026-10-12 11:15", "likes": 19,
     "text": "Next year we face a £14.2m gap because demand for adult social care and temporary "
             "accommodation keeps rising. Tell us which services matter most to you before 7 December: "
             "brackenford.gov.uk/budget",
     "comments": [
         ("Helen Price", "2026-10-12 11:48", "Stop paying consultants and you'd close half the gap.", []),
         ("Omar Farouk", "2026-10-12 13:30",
          "Could you show how much each service costs per household? It's hard to choose without the numbers.",
          [(COUNCIL, "2026-10-12 15:10",
            "Hi Omar, there's a breakdown per household on page 3 of the consultation pack.",
            [("Omar Farouk", "2026-10-12 15:35", "Found it, thanks. Very useful.", [])])]),
     ]},
    {"at": "2026-10-16 14:30", "likes": 12,
     "text": "We have published proposals to reduce weekday afternoon opening at Eastgate, Redhill, "
             "Highgate and Ashcombe libraries. Brackenford Central Library hours will not change. "
             "Have your say: brackenford.gov.uk/libraries",
     "comments": [
         ("Beth Carrow", "2026-10-16 15:02",
          "Redhill library is where my kids do their homework after school. Afternoons are exactly when we need it.",
          []),
         ("Neil Ashworth", "2026-10-16 15:40", "Shorter hours now, closure next year. We've seen this before.", []),
         ("Grace Obi", "2026-10-16 18:15",
          "Could volunteers keep it open in the afternoons? I'd happily give a few hours a week.",
          [(COUNCIL, "2026-10-17 09:30",
            "Thank you Grace. Volunteering is one of the options in the consultation, so please add your "
            "offer there.", [])]),
     ]},
    {"at": "2026-10-19 11:00", "likes": 27,
     "text": "We're recruiting refuse collection drivers: £29,000 a year plus overtime, full training on our "
             "routes. Apply by 2 November: brackenford.gov.uk/jobs",
     "comments": [
         ("Darren Pike", "2026-10-19 12:14", "Do you need a class C licence already, or do you train?",
          [(COUNCIL, "2026-10-19 13:02",
            "Hi Darren, you'll need the class C licence for this role, but loaders who want to become drivers "
            "can train with us.", [])]),
     ]},
    {"at": "2026-10-21 17:20", "likes": 8,
     "text": "Eastgate Road will stay closed until 14 November: Weald Gas Networks has found a second damaged "
             "main. Buses 4 and 4A keep diverting via Station Road.",
     "comments": [
         ("Dean Fowler", "2026-10-21 17:45", "Another three weeks? The shops on Eastgate Road are dying.", []),
         ("Shazia Begum", "2026-10-21 19:10", "Can you still walk to the bakery from the station end?",
          [(COUNCIL, "2026-10-22 08:40",
            "Yes, pedestrians can reach every shop from the Station Road end.", [])]),
     ]},
    {"at": "2026-10-23 10:40", "likes": 40,
     "text": "More than 4,100 of you have answered the bin collections consultation so far. The most common "
             "requests: keep food waste weekly, bigger bins for large households, and a weekly collection "
             "for nappies and hygiene waste.",
     "comments": [
         ("Pat Ingram", "2026-10-23 11:30", "Good to see the nappy point being listened to.", []),
     ]},
    {"at": "2026-10-27 09:10", "likes": 71,
     "text": "Half-term at your library and leisure centre: free craft sessions, a Lego club and £1 swimming "
             "lessons. See what's on near you: brackenford.gov.uk/halfterm",
     "comments": [
         ("Chloe Denton", "2026-10-28 16:20", "The Lego club at Ashcombe was brilliant, thank you!", []),
         ("Mark Ellery", "2026-10-29 10:05", "£1 swimming is fantastic value, well done.", []),
     ]},
    {"at": "2026-10-30 15:10", "likes": 15,
     "text": "From Monday 2 November bin crews start at 6.30am. Please put your bins out by 6.30am on your "
             "collection day.",
     "comments": [
         ("Julie Stroud", "2026-10-30 16:45", "6.30am in the dark? Can we put them out the night before?",
          [(COUNCIL, "2026-10-30 17:20", "Yes, please do: bins can go out from 6pm the evening before.", [])]),
     ]},
    {"at": "2026-11-03 18:45", "likes": 132,
     "text": "The planning committee has refused the Quarry Road incinerator extension, citing traffic on "
             "Quarry Road and the effect on nearby homes.",
     "comments": [
         ("Alan Hurst", "2026-11-03 19:05",
          "Great result for Quarry Road. Thank you to the councillors who listened.", []),
         ("Wendy Ko", "2026-11-03 19:30", "Brilliant news. The lorries were a nightmare.", []),
     ]},
    {"at": "2026-11-06 13:20", "likes": 6,
     "text": "Two of our collection vehicles are off the road for repairs. We're sorry: missed streets in "
             "Redhill and Highgate will be collected by Saturday.",
     "comments": [
         ("Ray Dunmore", "2026-11-06 13:50",
          "Redhill hasn't had a collection for ten days. This is a public health issue now.",
          [(COUNCIL, "2026-11-06 14:30",
            "We're sorry Ray. Crews are in Redhill this afternoon and on Saturday morning.",
            [("Ray Dunmore", "2026-11-06 16:05", "Still waiting at 4pm.", [])])]),
         ("Tasha Greene", "2026-11-06 15:15", "Highgate Road was done this morning, thanks to the crew.", []),
     ]},
    {"at": "2026-11-09 10:10", "likes": 9,
     "text": "From 4 January short-stay tariffs in council car parks will be £4 an hour. Blue badge holders "
             "continue to park free.",
     "comments": [
         ("Ian Pryce", "2026-11-09 10:32",
          "£4 an hour to shop in Brackenford? I'll drive to the retail park where it's free.", []),
         ("Laura Finch", "2026-11-09 11:15", "The market traders are going to be hit hard by this.", []),
         ("Sam Oduya", "2026-11-09 12:40", "Please at least keep the first 30 minutes free for quick errands.", []),
     ]},
    {"at": "2026-11-12 12:10", "likes": 18,
     "text": "Market Street and Church Lane will close from 9.30am to 12.30pm on Sunday 15 November for the "
             "Remembrance parade and service.",
     "comments": [
         ("Brian Cole", "2026-11-12 13:00", "Thank you for organising it. It's always a moving service.", []),
     ]},
    {"at": "2026-11-15 13:00", "likes": 210,
     "text": "Thank you to everyone who joined us at the war memorial this morning, and to the veterans, "
             "cadets and Scouts who led the parade.",
     "comments": [
         ("Margaret Hale", "2026-11-15 13:40", "A lovely service. Well done to the Brackenford Scouts.", []),
         ("Keith Lowry", "2026-11-15 14:05", "Proud of our town today.", []),
     ]},
    {"at": "2026-11-16 10:00", "likes": 7,
     "text": "Talk to councillors and officers about next year's budget at Brackenford Central Library on "
             "Tuesday and Eastgate Community Centre on Thursday, 4pm to 7pm.",
     "comments": []},
    {"at": "2026-11-19 11:30", "likes": 22,
     "text": "Christmas and New Year bin collections move by up to two days. Check your new day with our "
             "postcode finder: brackenford.gov.uk/christmasbins",
     "comments": [
         ("Donna Price", "2026-11-19 12:20", "Does the postcode finder work for flats?",
          [(COUNCIL, "2026-11-19 13:00", "It does: type your postcode and pick your flat from the list.", [])]),
     ]},
    {"at": "2026-11-20 16:00", "likes": 96,
     "text": "The Christmas lights switch-on is this Saturday in Market Square: lantern parade from 4pm, "
             "lights on at 5.30pm.",
     "comments": [
         ("Lisa Harte", "2026-11-20 16:35", "Can't wait! The kids love the lantern parade.", []),
         ("Joe Mayhew", "2026-11-20 17:10", "Is Market Street closed from 2pm?",
          [(COUNCIL, "2026-11-20 17:45", "Market Street is closed from 2pm to 8pm on Saturday.", [])]),
     ]},
    {"at": "2026-11-22 09:30", "likes": 187,
     "text": "What a night! Thank you to the thousands who came to the lights switch-on, to the Brackenford "
             "Community Choir and to our events team.",
     "comments": [
         ("Emma Tait", "2026-11-22 09:52", "Best one yet. The choir was wonderful.", []),
         ("Harjit Sandhu", "2026-11-22 10:15", "Beautiful evening, thanks to everyone who organised it.", []),
         ("Colin Rudd", "2026-11-22 11:02", "Shame about the queues for the car parks, but otherwise great.", []),
     ]},
    {"at": "2026-11-23 16:10", "likes": 34,
     "text": "From 7am on Tuesday we'll share, anonymously, a selection of the calls, emails and reports we "
             "receive over 24 hours. Follow along with #BrackenfordLive.",
     "comments": [
         ("Tracey Woolf", "2026-11-23 16:40", "Is this really the best use of staff time?",
          [(COUNCIL, "2026-11-23 17:15",
            "Hi Tracey, the posts are written by volunteers from the contact centre alongside their usual "
            "work, so nobody is taken off the phones.", [])]),
         ("Owen Parfitt", "2026-11-23 18:20", "Interesting idea. I'd like to see what people actually ring about.", []),
     ]},
    {"at": "2026-11-24 07:00", "likes": 41,
     "text": "#BrackenfordLive has started. From now until 7am tomorrow we'll post a selection of what comes "
             "in to the contact centre.",
     "comments": [
         ("Nadia Rahman", "2026-11-24 07:20", "Good luck to the team!", []),
         ("Stuart Bell", "2026-11-24 08:05", "Call 1: pothole. Call 2: pothole. Call 3: pothole. Let me guess the rest.", []),
     ]},
    {"at": "2026-11-25 15:40", "likes": 58,
     "text": "We received 1,412 contacts in 24 hours. Thank you to everyone who followed #BrackenfordLive. "
             "We'll publish a full review, including the cost in staff time.",
     "comments": [
         ("Fiona McKay", "2026-11-25 16:10",
          "Thanks for being open about the cost. I found the feed genuinely eye-opening.", []),
         ("Lee Barton", "2026-11-25 16:45", "1,412 contacts, and how many got fixed?",
          [(COUNCIL, "2026-11-25 17:30",
            "Fair question, Lee. We'll publish what happened to each kind of request in the full review.", [])]),
     ]},
    # The pile-on: anger at the council tax rise, one council reply, copies of one line.
    {"at": "2026-11-26 10:10", "likes": 14,
     "text": "Cabinet will consider a 4.99% increase in council tax for 2027/28 on 3 December, including 2% "
             "for adult social care. For a Band D home that is £1.86 a week. The papers are published today: "
             "brackenford.gov.uk/budget",
     "comments": [
         ("Paula Whitcombe", "2026-11-26 10:14",
          "4.99% AGAIN? While the bins go fortnightly and the libraries close. You're having a laugh.", []),
         ("Craig Hendry", "2026-11-26 10:16", "Absolute joke. Pay more, get less. Every single year.", []),
         ("Janet Morley", "2026-11-26 10:19", "Disgraceful. Pensioners can't afford this.",
          [("Dave Morley", "2026-11-26 10:31", "Spot on Janet. Mum's bill is already more than her heating.", [])]),
         ("Liam Sheard", "2026-11-26 10:21", "Cut the councillors' allowances first. Greedy lot.",
          [("Kerry Lang", "2026-11-26 10:25",
            "And the consultants. £2m on a town centre plan that went nowhere. Disgusting.", [])]),
         ("Mo Siddiqui", "2026-11-26 10:23", "Useless council. Potholes everywhere and they want more money.", []),
         ("Bev Tanner", "2026-11-26 10:26", "Shameful. Absolutely shameful.", []),
         ("Rachel Dunn", "2026-11-26 10:28", "They tweeted for 24 hours on Tuesday and now this. Read the room.",
          [("Gavin Pyle", "2026-11-26 10:35", "Ha, they'll tweet the complaints about this too. Clowns.", [])]),
         ("Steve Orchard", "2026-11-26 10:30",
          "Another rise, and still nobody answers the phone when you ring. Pathetic.", []),
         ("Nicola Farr", "2026-11-26 10:33", "I'm so fed up. We pay more every year for worse services.", []),
         ("Karl Mendes", "2026-11-26 10:38", "Daylight robbery.", []),
         ("Aisha Noor", "2026-11-26 10:41", "Not a penny more until the roads are fixed.", []),
         ("Hayley Brooks", "2026-11-26 10:44", "Disgusting. Scrap the vanity projects before you rob us again.", []),
         ("Ian Pryce", "2026-11-26 10:47", "They've doubled the parking too. Brackenford is finished.", []),
         (COUNCIL, "2026-11-26 10:52",
          "We understand this is hard news when money is tight. Most of the increase goes to adult social care, "
          "where demand has risen by 11% this year. Households on a low income can get up to 85% off their bill: "
          "brackenford.gov.uk/counciltaxsupport",
          [("Paula Whitcombe", "2026-11-26 10:58", "Spin. The same excuse every year.", []),
           ("Tom Kellett", "2026-11-26 11:03", "Demand is up so you waste a day tweeting? Unbelievable.", []),
           ("Janet Morley", "2026-11-26 11:10",
            "Council tax support doesn't help anyone just over the limit. We get nothing and pay for everything.",
            [])]),
         ("Sandra Quirke", "2026-11-26 10:55", "Every year the same story. Useless lot.", []),
         ("Derek Holt", "2026-11-26 11:05", "Time for a new council. Vote them all out in May.", []),
         ("Emma Watkins", "2026-11-26 11:12", "Absolutely furious. Our street hasn't been swept in a year.", []),
         ("Rob Tyler", "2026-11-26 11:25", "Not a penny more until the roads are fixed!", []),
         ("Mel Garside", "2026-11-26 11:30", "Where does all the money go? It certainly isn't going on our roads.", []),
         ("Chris Abbott", "2026-11-26 11:42", "A disgrace. I'll be at the cabinet meeting on the 3rd to tell them so.", []),
         ("Owen Parfitt", "2026-11-26 12:05",
          "I don't like it either, but social care has to be paid for somehow. The government cut the grant, not "
          "just the council.",
          [("Craig Hendry", "2026-11-26 12:14", "Typical council apologist.",
            [("Owen Parfitt", "2026-11-26 12:20", "I'm a resident, same as you. Just saying where the money goes.",
              [])])]),
         ("Lorraine Fisk", "2026-11-26 12:30", "Greedy and incompetent.", []),
         ("Pete Harrow", "2026-11-26 13:10",
          "Shocking. The bins are a mess and the libraries are closing. What exactly are we paying for?", []),
     ]},
    {"at": "2026-11-27 08:10", "likes": 73,
     "text": "Our gritters have been out since 3am. We treat 260km of priority roads when ice is forecast; "
             "see the routes and report an empty grit bin at brackenford.gov.uk/gritting",
     "comments": [
         ("Rob Neville", "2026-11-27 08:35", "Can you grit Ashcombe Hill? It's lethal every winter.",
          [(COUNCIL, "2026-11-27 09:05",
            "Hi Rob, Ashcombe Hill is on priority route 3, so it's treated before the morning rush.", [])]),
         ("Megan Lowe", "2026-11-27 08:50", "Thank you to the gritter crews, out at 3am in that cold.", []),
     ]},
    {"at": "2026-11-27 12:30", "likes": 66,
     "text": "Brackenford Christmas Market returns to Market Square on Saturday 5 December, 10am to 6pm, with "
             "60 local stalls.",
     "comments": [
         ("Kim Doyle", "2026-11-27 12:55", "Are there any craft pitches left? How do I apply?",
          [(COUNCIL, "2026-11-27 13:40",
            "Hi Kim, every pitch is taken this year, but you can join the waiting list at "
            "brackenford.gov.uk/markets.", [])]),
     ]},
]
