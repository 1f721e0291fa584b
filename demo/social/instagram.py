"""The council's Instagram account: photos and reels, mostly warm comments, a few questions.

Instagram threads are one level deep: a comment, and the replies under it.
"""

from __future__ import annotations

USER_ID = "17841401234567890"
COUNCIL = "brackenfordcouncil"  # the account's username: its replies are the council's

MEDIA = [
    {"at": "2026-09-20 11:00", "type": "IMAGE", "likes": 342,
     "caption": "Autumn in Weald Park 🍂 Our grounds team have planted 4,000 bulbs ready for spring. "
                "#Brackenford #WealdPark",
     "comments": [
         ("lucy.walks", "2026-09-20 11:40", "Gorgeous! My favourite walk in town.", []),
         ("amir.takes.photos", "2026-09-20 13:05", "Can't wait to see them in spring 🌷", []),
         ("bfd_dogdad", "2026-09-20 17:30", "Are dogs allowed off the lead near the pond?",
          [(COUNCIL, "2026-09-21 09:15",
            "@bfd_dogdad Dogs are welcome off the lead in the meadow, but please keep them on a lead near the "
            "pond and the play area 🐾", [])]),
     ]},
    {"at": "2026-10-10 10:00", "type": "CAROUSEL_ALBUM", "likes": 268,
     "caption": "Redhill Library's new children's corner is open 📚 Come and see the reading den, the story "
                "steps and the new picture books. #Brackenford #Libraries",
     "comments": [
         ("hannah_reads_bfd", "2026-10-10 10:45", "Beautiful space, my daughter loved it 😍", []),
         ("redhill_mum_of_3", "2026-10-10 12:20", "Will this survive the cuts to library hours?",
          [(COUNCIL, "2026-10-10 14:00",
            "@redhill_mum_of_3 The children's corner is staying. The consultation is about afternoon opening "
            "hours; you can have your say at brackenford.gov.uk/libraries", [])]),
         ("story_steps_fan", "2026-10-11 09:30", "The story steps are such a lovely idea 👏", []),
     ]},
    {"at": "2026-10-27 12:00", "type": "REELS", "likes": 415,
     "caption": "Half-term Lego club at Ashcombe Library 🧱 Drop in every afternoon this week, free.",
     "comments": [
         ("ashcombe_family", "2026-10-27 13:10", "My two spent three hours there yesterday! Thank you 🙌", []),
         ("bricks_and_biscuits", "2026-10-27 15:45", "Love this. More of it please.", []),
         ("jay.k.bfd", "2026-10-28 08:20", "Is it on at Eastgate too?",
          [(COUNCIL, "2026-10-28 09:40", "@jay.k.bfd Eastgate has a craft club on Thursday instead 🎨", [])]),
     ]},
    {"at": "2026-11-15 14:00", "type": "CAROUSEL_ALBUM", "likes": 603,
     "caption": "We will remember them. Thank you to everyone who joined us at the war memorial this morning. "
                "#RemembranceSunday",
     "comments": [
         ("margaret.hale", "2026-11-15 14:30", "Beautiful service 🙏", []),
         ("sam_okafor", "2026-11-15 15:50", "My grandad would have been proud to see so many young people there.", []),
     ]},
    {"at": "2026-11-21 19:30", "type": "REELS", "likes": 1240,
     "caption": "The lights are on! ✨ Thank you Brackenford for a magical evening. #BrackenfordLights",
     "comments": [
         ("lisa.harte", "2026-11-21 19:42", "Magical! The kids are still talking about the lanterns ✨", []),
         ("bfdchoir", "2026-11-21 20:05", "Thank you for having us, what a crowd! 🎶", []),
         ("tom_at_no_12", "2026-11-21 20:30", "Best switch-on in years.", []),
         ("natalie.g.bfd", "2026-11-21 21:15", "The queue for the Market Street car park was over an hour 😩",
          [(COUNCIL, "2026-11-22 10:05",
            "@natalie.g.bfd Sorry about the wait! We're adding a park and ride from Weald Park for the "
            "Christmas market on 5 December.", [])]),
         ("harjit.s", "2026-11-22 08:45", "Beautiful evening ❤️", []),
     ]},
    {"at": "2026-11-24 09:00", "type": "IMAGE", "likes": 176,
     "caption": "#BrackenfordLive: a morning in our contact centre ☎️ 212 calls by 9am, and the kettle's on.",
     "comments": [
         ("fiona.mck", "2026-11-24 09:20", "Respect to the contact centre team 👏", []),
         ("grumpy.in.highgate", "2026-11-24 09:35", "Maybe answer the phones instead of posting on Instagram?",
          [("fiona.mck", "2026-11-24 09:50",
            "@grumpy.in.highgate They're volunteers doing it on top of their jobs, it says so in the post.", [])]),
         ("pothole_watch_bfd", "2026-11-24 10:40", "Fascinating to see how many calls are about potholes.", []),
     ]},
    {"at": "2026-11-27 08:30", "type": "IMAGE", "likes": 389,
     "caption": "Our gritters have been out since 3am ❄️ Priority routes: brackenford.gov.uk/gritting",
     "comments": [
         ("megan.lowe", "2026-11-27 08:55", "Thank you gritter crews! 🙏", []),
         ("orchard.close.neighbours", "2026-11-27 09:30",
          "Any chance of a grit bin on Orchard Close? It's like an ice rink every morning.",
          [(COUNCIL, "2026-11-27 11:10",
            "@orchard.close.neighbours You can ask for a new grit bin on our website; we'll look at Orchard "
            "Close this week.", [])]),
     ]},
]
