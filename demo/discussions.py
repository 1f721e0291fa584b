"""The four Guardian discussions of the demo, as written: who said what, when, replying to whom.

Brackenford Borough Council is made up; so are its residents. `demo.compose`
turns these into the Guardian discussion API's own JSON (displayThreaded=true),
page by page, under demo/payloads/guardian/. Times are UTC.

A comment is (author, "YYYY-MM-DD HH:MM", body HTML, [replies]); a reply is a
comment too, so replies to replies nest as deep as people argued.
"""

from __future__ import annotations

COUNCIL = "BrackenfordCouncil"

# (a) The hostile pile-on: a Walsall-style "we'll tweet everything for 24 hours"
# story, and a morning of anger, sarcasm and repetition from many people.
TWEETATHON = {
    "key": "/p/5k7qa",
    "title": "Brackenford council to tweet every call it takes for 24 hours",
    "webUrl": "https://www.theguardian.com/society/2026/nov/24/brackenford-council-tweet-every-call-24-hours",
    "first_id": 171402113,
    "comments": [
        ("HighgateRambler", "2026-11-24 07:52",
         "<p>So while my bin has been sitting uncollected for nine days, the council has staff free to tweet all day. Absolutely pathetic.</p>",
         [("Pennyworth77", "2026-11-24 07:58",
           "<p>Nine days? Ours was missed for three weeks in October and nobody even answered the phone. Useless.</p>",
           [("HighgateRambler", "2026-11-24 08:05",
             "<p>And now they&#39;ll tweet that nobody answered the phone. Progress!</p>",
             [(COUNCIL, "2026-11-24 09:40",
               "<p>Hi both, we&#39;re sorry about the missed collections. If you send your postcode to the waste team at "
               "<a href=\"https://www.brackenford.gov.uk/bins/report\">brackenford.gov.uk/bins/report</a> we&#39;ll chase it today.</p>"
               "<p>The tweeting is being done by volunteers from the contact centre and comms team alongside their usual work &ndash; there is no extra cost.</p>",
               [("Pennyworth77", "2026-11-24 09:47",
                 "<p>&quot;No extra cost&quot;. Their time is paid for by us, is it not? Spin, pure spin.</p>", [])])])])]),
        ("Tomasz_K", "2026-11-24 07:55", "<p>Is this a joke? Who signed off on this nonsense?</p>", []),
        ("grumpyofwealdshire", "2026-11-24 08:01",
         "<p>Council tax up 4.99% and this is what we get. A day of tweets. Disgraceful waste of money.</p>",
         [("NotMyCouncil", "2026-11-24 08:10",
           "<p>Don&#39;t forget the &pound;2m consultants bill for the town centre plan that went nowhere. Same clowns.</p>", [])]),
        ("LadyOfTheLoop", "2026-11-24 08:03",
         "<p>Let me guess: &#39;Mrs B from Harcourt Road called about a pothole&#39;. Riveting. Meanwhile the actual pothole is still there and it wrecked my tyre last week.</p>",
         []),
        ("Slackwater", "2026-11-24 08:07",
         "<p>Pointless PR stunt. Nobody in Brackenford uses Twitter anyway, they all use the Facebook group to complain about the council.</p>",
         [("quietobserver", "2026-11-24 08:20",
           "<blockquote><p>Nobody in Brackenford uses Twitter</p></blockquote><p>Speak for yourself. But yes, it&#39;s a stupid gimmick.</p>", [])]),
        ("ex_officer_bfd", "2026-11-24 08:12",
         "<p>I worked there for eleven years. Morale is on the floor, three rounds of redundancies, and senior managers think a hashtag will fix it. Shameful.</p>",
         []),
        ("Dunroamin", "2026-11-24 08:15",
         "<p>Absolute shambles of a council. Can&#39;t empty bins, can&#39;t fix roads, can&#39;t answer emails, but they can tweet. Wonderful. 🙄</p>",
         []),
        ("BarryFromBfd", "2026-11-24 08:18", "<p>Who is paying the staff to sit on Twitter all day? We are. Scrap it.</p>", []),
        ("mjh1962", "2026-11-24 08:22", "<p>Pathetic. Truly pathetic.</p>", []),
        ("Wren_and_Sparrow", "2026-11-24 08:26",
         "<p>I&#39;m so angry I could scream. My mum waited four months for a care assessment and this lot are playing on social media.</p>",
         [("Helen_M", "2026-11-24 08:40",
           "<p>Same with my dad. It&#39;s a disgrace and I hope every councillor reads this thread.</p>",
           [("Wren_and_Sparrow", "2026-11-24 08:44",
             "<p>They won&#39;t. They never do. Sorry about your dad x</p>", [])])]),
        ("TaxpayerNo1", "2026-11-24 08:30", "<p>Sack the lot of them. Useless.</p>", []),
        ("stopthespin", "2026-11-24 08:34", "<p>Another vanity project from a failing council 😡😡</p>", []),
        ("Ollie_P", "2026-11-24 08:37",
         "<p>Brilliant idea, because what residents really want is a live commentary on how badly their complaints are handled. Genius.</p>",
         []),
        ("NotMyCouncil", "2026-11-24 08:41",
         "<p>The leader was on Radio Brackenford last week saying there is &#39;no money&#39; to keep Eastgate library open. Funny how there&#39;s always time for stunts.</p>",
         []),
        ("hedgehog_lane", "2026-11-24 08:49", "<p>Embarrassing and depressing. Brackenford is a national laughing stock again.</p>", []),
        ("grumpyofwealdshire", "2026-11-24 08:55",
         "<p>Just read their feed. Forty tweets so far and not one of them says when my road will be resurfaced. Useless.</p>",
         []),
        ("Marlowe_Reads", "2026-11-24 09:02",
         "<p>Honestly, I think it&#39;s worth trying. Councils get slated for being secretive, then slated for being open. Let them experiment and judge it on what they learn.</p>",
         [("Tomasz_K", "2026-11-24 09:10", "<p>Experiment with their own money then, not ours.</p>",
           [("Marlowe_Reads", "2026-11-24 09:18",
             "<p>It&#39;s staff who volunteered, according to the article. Read past the headline.</p>",
             [("LadyOfTheLoop", "2026-11-24 09:25",
               "<p>Oh please. If you believe that you&#39;ll believe anything. Naive doesn&#39;t begin to cover it.</p>", [])])])]),
        ("Fenwick_B", "2026-11-24 09:15", "<p>What a ridiculous waste of time.</p>", []),
        ("quietobserver", "2026-11-24 09:31",
         "<p>The Guardian giving oxygen to this nonsense is almost as bad as the stunt itself.</p>", []),
        ("anon_bfd_resident", "2026-11-24 09:44",
         "<p>No street lighting on our road for a month. Reported it six times, ignored every time. Now they want to tweet about it? Go away.</p>",
         []),
        ("Pennyworth77", "2026-11-24 10:02",
         "<p>Clueless, arrogant, out of touch. That&#39;s Brackenford council in a nutshell.</p>", []),
        ("Ginny_Weald", "2026-11-24 10:20",
         "<p>I actually follow them and the tweets are quite interesting, a real glimpse of how much they deal with in a day. Not everyone here is reading the same feed.</p>",
         [("Dunroamin", "2026-11-24 10:31",
           "<p>Interesting?! A tweet about a dead fox on the ring road is not interesting, it&#39;s a dead fox. Give me strength.</p>", [])]),
        ("RetiredInRedhill", "2026-11-24 10:45",
         "<p>Disgusting use of public money while the children&#39;s centres close.</p>", []),
        ("Slackwater", "2026-11-24 11:10",
         "<p>Mark my words, next week there&#39;ll be a press release calling it a huge success. Liars, the lot of them.</p>",
         []),
        ("BarnabyFox", "2026-11-24 11:42",
         "<p>Typical. Bins, roads, libraries, care - all failing. Tweets - thriving. Sad.</p>", []),
        ("Helen_M", "2026-11-24 12:15",
         "<p>Has anyone asked how much the &quot;digital engagement strategy&quot; cost? FOI going in today.</p>", []),
        ("Norah_Bell", "2026-11-24 13:30", "<p>Sick of this council treating residents like idiots.</p>", []),
        ("hedgehog_lane", "2026-11-24 14:05", "<p>Worst council in England. Not even close.</p>", []),
        ("Ted_Ashworth", "2026-11-25 09:10",
         "<p>Bit of a pile-on in here. To be fair, the comms team didn&#39;t close the children&#39;s centres, the grant settlement did. "
         "I&#39;d rather judge the experiment when they publish what they learned.</p>",
         []),
    ],
    # Removed by the Guardian's moderators: recorded as the API sends them.
    "blocked": [("TruthBfd", "2026-11-24 08:52")],
}

LONG_COMMENT = (
    "<p>Some context from someone who managed a collection contract for a neighbouring authority for six years, "
    "because the thread so far is refreshingly sensible and I&#39;d like to add to it rather than shout.</p>"
    "<p>Fortnightly residual collections can work well, but only if three things are in place on day one, not six months later:</p>"
    "<p>1. <strong>Weekly food waste.</strong> This is the single biggest factor in whether people accept the change. "
    "Food is what smells, attracts flies and tears open sacks. If food goes in a caddy every week, the grey bin becomes mostly "
    "packaging and is perfectly fine at two weeks. In our area participation in food waste rose from about 30% to over 55% in the "
    "first year, and that alone took roughly a fifth of the weight out of the residual bin.</p>"
    "<p>2. <strong>Enough capacity for the households that genuinely need it.</strong> Large families, people with medical waste, "
    "nappies, pets. A simple, no-quibble application for a larger bin or an extra collection avoids the majority of complaints. "
    "We made ours a one-page online form with a phone alternative, and approved them within five working days. Where we asked "
    "for evidence or made people wait, complaints and side waste went up sharply.</p>"
    "<p>3. <strong>Really clear communication, repeated.</strong> A printed calendar through every door, stickers on the bins, "
    "a text or email reminder service, and crews briefed to leave a friendly tag (not a stern warning) when something is wrong "
    "for the first couple of months. Most contamination is confusion, not bad faith.</p>"
    "<p>Things I would ask the council to publish alongside the decision: the assumed recycling rate, the assumed savings and what "
    "happens to them if the assumptions are wrong, the plan for flats and HMOs (shared bins are a very different problem), and how "
    "missed collections will be reported and fixed. If they report those numbers every quarter after the change, people will "
    "trust the process far more.</p>"
    "<p>Two smaller suggestions. First, don&#39;t change the collection day at the same time as the frequency if you can avoid it; "
    "changing both at once doubled our missed-bin reports in the first month. Second, do the switch in spring, not in summer or "
    "just before Christmas.</p>"
    "<p>None of this is rocket science and none of it is free, but it is a lot cheaper than the alternative, which is a year of "
    "angry phone calls and a reversal. Happy to share our lessons-learned report if anyone at the council wants it &ndash; "
    "it&#39;s public, see <a href=\"https://www.example.org/waste/lessons-learned.pdf\">our report</a>.</p>"
)

# (b) Constructive: a consultation on weekly-to-fortnightly bins, where people
# make specific suggestions and criticise with reasons.
BINS_CONSULTATION = {
    "key": "/p/4v9tn",
    "title": "Brackenford asks residents whether bins should go fortnightly",
    "webUrl": "https://www.theguardian.com/society/2026/sep/22/brackenford-consultation-fortnightly-bin-collections",
    "first_id": 168850412,
    "comments": [
        ("fenland_composter", "2026-09-22 09:14",
         "<p>I&#39;d support fortnightly general waste if food waste stays weekly &ndash; that&#39;s what causes the smell. Could the council also offer bigger bins for households of five or more?</p>",
         []),
        ("Priya_Brackenford", "2026-09-22 09:40",
         "<p>Suggestion: publish the new collection calendar as a calendar feed we can add to our phones, and send a text the evening before. That would make the switch much easier.</p>",
         []),
        ("R_Okonkwo", "2026-09-22 10:05", LONG_COMMENT, []),
        ("EastgateTenant", "2026-09-22 11:20",
         "<p>The flats on the Eastgate estate share bins and there is no room for extra recycling containers. Please agree a separate plan for flats with the housing association before any switch.</p>",
         [(COUNCIL, "2026-09-22 15:02",
           "<p>Thanks &ndash; flats and houses in multiple occupation will get a separate assessment, and we&#39;re meeting Weald Homes about Eastgate next month. We&#39;ll post the notes on the consultation page.</p>",
           [("EastgateTenant", "2026-09-22 15:30",
             "<p>Thank you, that&#39;s helpful. Please include the residents&#39; association too.</p>", [])])]),
        ("M_Hadley", "2026-09-22 12:02",
         "<p>The proposal makes sense financially, but please give people at least three months&#39; notice and send a printed leaflet &ndash; not everyone is online.</p>",
         []),
        ("oldmillroad", "2026-09-22 13:45",
         "<p>Why not trial it in one or two wards first, publish the results (missed collections, complaints, recycling rates), and then decide on the whole borough?</p>",
         []),
        ("JoJo_twins_mum", "2026-09-22 18:30",
         "<p>Nappies are the big worry for us. Other councils run a weekly hygiene waste collection for families with babies and people with medical waste &ndash; could Brackenford do the same?</p>",
         [("WealdshireNeighbour", "2026-09-22 19:12",
           "<p>Wealdshire does exactly this and it works well. You sign up online and purple sacks are collected weekly.</p>",
           [("JoJo_twins_mum", "2026-09-22 19:40",
             "<p>That sounds ideal, thanks. I&#39;ll put it in my consultation response.</p>", [])])]),
        ("Alan_Greave", "2026-09-23 08:10",
         "<p>Good to see the council asking first rather than just announcing it. I&#39;ll fill in the survey.</p>", []),
        ("stats_are_fun", "2026-09-23 09:25",
         "<p>Constructive criticism of the survey itself: question 4 only allows yes or no. It should let people say &#39;yes, if food waste stays weekly&#39;, otherwise the results will be hard to interpret and easy to misread.</p>",
         [(COUNCIL, "2026-09-23 11:48",
           "<p>That&#39;s a fair point. We&#39;ve added a free-text box to question 4 this morning &ndash; thank you.</p>",
           [("stats_are_fun", "2026-09-23 12:05", "<p>Appreciated, that was quick. Thanks.</p>", [])])]),
        ("MillLaneMatt", "2026-09-23 14:30",
         "<p>Could some of the saving go to fly-tipping enforcement? That&#39;s the real problem near us on Mill Lane, and it could get worse with fortnightly bins unless there&#39;s a plan for it.</p>",
         []),
        ("green_fingers_bfd", "2026-09-24 10:15",
         "<p>Please look at garden waste at the same time. The &pound;52 charge puts people off; a lower price or a bundle might increase take-up and keep green waste out of the grey bin.</p>",
         []),
        ("S_Whitlock", "2026-09-24 16:40",
         "<p>I&#39;m not keen on fortnightly because of rats in the summer. Maybe keep weekly collections in June to August and fortnightly the rest of the year?</p>",
         []),
        ("QuarryRoadRegular", "2026-09-25 08:55",
         "<p>The missing piece is the recycling centre. If bins go fortnightly, the Quarry Road tip should open until 7pm on weekdays and stop requiring a booking.</p>",
         []),
        ("Hannah_Cole", "2026-09-24 12:30",
         "<p>Just done the survey, took five minutes. Useful that the FAQ explains where the savings figure comes from.</p>", []),
        ("Vic_Penrose", "2026-09-26 09:00",
         "<p>We moved here from a fortnightly area and honestly it was fine once we got used to it. Good luck with the consultation 👍</p>",
         []),
        ("Deb_Aldous", "2026-09-27 20:10",
         "<p>My worry is that the savings figure in the report assumes recycling goes up by 8%. What happens to the budget if it doesn&#39;t? Worth publishing the assumptions so people can check them.</p>",
         []),
    ],
    "blocked": [],
}

# (c) Mixed: library opening hours. Some anger, some thanks, some questions,
# one comment that tries HTML and Markdown injection, one with escaped markup.
LIBRARIES = {
    "key": "/p/4zc2m",
    "title": "Brackenford to cut opening hours at four libraries to save £310,000",
    "webUrl": "https://www.theguardian.com/books/2026/oct/20/brackenford-libraries-opening-hours-cut",
    "first_id": 169944208,
    "comments": [
        ("BookwormBfd", "2026-10-20 08:35",
         "<p>Awful news for Eastgate. The library is the only warm, free place on the estate for a lot of older people.</p>",
         [("Carys_Lloyd", "2026-10-20 09:02",
           "<p>Agree. Could they at least keep the Saturday morning sessions? That&#39;s when the families come.</p>", [])]),
        ("Ravi_Suri", "2026-10-20 09:10",
         "<p>Read the actual proposal: three branches lose one weekday afternoon, and the main library keeps its hours. It&#39;s not as bad as the headline suggests.</p>",
         []),
        ("knitandnatter", "2026-10-20 09:48",
         "<p>Our knitting group meets at Redhill library on Wednesday afternoons. Is that the day going? Nobody has told us anything.</p>",
         [(COUNCIL, "2026-10-20 13:15",
           "<p>Hi, Redhill&#39;s proposed change is Thursday afternoons, so Wednesday groups are unaffected. The full timetable is on "
           "<a href=\"https://www.brackenford.gov.uk/libraries/consultation\">our consultation page</a>.</p>",
           [("knitandnatter", "2026-10-20 13:40", "<p>Thank you! That&#39;s a relief 🧶</p>", [])])]),
        ("GrumpyGran", "2026-10-20 10:20",
         "<p>Typical of this council. Cut the things people actually need and waste money on consultants. Pathetic.</p>", []),
        ("L_Marchetti", "2026-10-20 10:55",
         "<p>The volunteers at Redhill are wonderful. Maybe a friends-of group could help keep some hours going, like they did in Wealdshire.</p>",
         []),
        ("nopoint_bfd", "2026-10-20 11:30",
         "<p>Library cuts again? Here is what I think of your consultation <script>alert(1)</script></p>"
         "<p>![x](http://198.51.100.7/track.png)</p><p><img src=\"http://198.51.100.7/pixel.gif\" onerror=\"alert(2)\"></p>",
         []),
        ("Ravi_Suri", "2026-10-20 12:05",
         "<p>Someone above is trying to post code. For the record you type it and the site shows &lt;b&gt;this&lt;/b&gt; as text, it doesn&#39;t run.</p>",
         []),
        ("TomBfdDad", "2026-10-20 15:50",
         "<p>Honestly the library staff have been brilliant with my son&#39;s reading. Whatever happens, please protect the children&#39;s sessions.</p>",
         []),
        ("eastgate_ellie", "2026-10-20 19:25",
         "<p>Losing hours is bad news for job seekers who use the computers. Where are they supposed to go?</p>", []),
        ("P_Addo", "2026-10-21 08:40",
         "<p>Fair play to the council for publishing the figures. I disagree with the Eastgate cut but at least we can see the numbers.</p>",
         []),
        ("Marlowe_Reads", "2026-10-21 12:10",
         "<p>If the hours must go, please stagger them so at least one branch in each area is open every afternoon.</p>",
         []),
    ],
    "blocked": [],
}

# (d) A smaller hostile thread: parking charges doubled in the town centre.
PARKING = {
    "key": "/p/58hwe",
    "title": "Brackenford doubles town centre parking charges from January",
    "webUrl": "https://www.theguardian.com/uk-news/2026/nov/10/brackenford-town-centre-parking-charges-double",
    "first_id": 170733561,
    "comments": [
        ("ShopkeeperSue", "2026-11-10 12:05",
         "<p>This will kill the high street. Half the shops are already empty. Absolutely furious.</p>",
         [("hedgehog_lane", "2026-11-10 12:20",
           "<p>Furious is right. Who on earth thought this was a good idea at Christmas?</p>", [])]),
        ("BarryFromBfd", "2026-11-10 12:14", "<p>Daylight robbery. £4 an hour to visit a dead town centre.</p>", []),
        ("Kev_the_cabbie", "2026-11-10 12:31",
         "<p>Ridiculous. People will just drive to the retail park where parking is free. Stupid, short-sighted decision.</p>",
         []),
        ("Norah_Bell", "2026-11-10 12:58", "<p>Another cash grab from a council that hates drivers.</p>", []),
        ("ShopkeeperSue", "2026-11-10 13:40",
         "<p>We weren&#39;t consulted either. Not one trader on Market Street was asked. Disgraceful.</p>", []),
        ("Ted_Ashworth", "2026-11-10 14:22",
         "<p>The bus station is right there, to be fair. But the buses stop at 6pm, so that&#39;s no help for evening trade.</p>", []),
        ("Fenwick_B", "2026-11-10 16:05", "<p>Terrible decision. I won&#39;t be shopping in Brackenford any more.</p>", []),
        ("GrumpyGran", "2026-11-10 18:44", "<p>Shameful. They never listen.</p>", []),
    ],
    "blocked": [],
}

DISCUSSIONS = [BINS_CONSULTATION, LIBRARIES, PARKING, TWEETATHON]
