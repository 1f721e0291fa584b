"""The demo's feeds as written: council news, Google News search results, Google Alerts.

`demo.compose` renders them in each feed's real shape (RSS 2.0 for the council
and Google News, Atom for Google Alerts). Brackenford, its council and its
local papers are made up. Times are UTC.
"""

from __future__ import annotations

COUNCIL_SITE = "https://www.brackenford.gov.uk"

# (published, title, path, category, summary HTML)
COUNCIL_NEWS = [
    ("2026-09-18 10:00", "Have your say on the future of bin collections", "/news/have-your-say-bin-collections", "Waste and recycling",
     "<p>We are asking residents whether general waste should be collected every two weeks, with food waste collected weekly. "
     "The consultation runs until 30 October &ndash; <a href=\"https://www.brackenford.gov.uk/binsconsultation\">take the survey</a>.</p>"),
    ("2026-09-24 09:30", "Resurfacing on the A4127 Wealdway from 5 October", "/news/a4127-wealdway-resurfacing", "Roads and transport",
     "<p>Overnight resurfacing between the Fuller&#39;s Yard roundabout and Mill Lane will run for three weeks, 8pm to 6am. "
     "Signed diversions will be in place.</p>"),
    ("2026-09-30 12:00", "Council tax support: apply by 31 October", "/news/council-tax-support-2026", "Council tax",
     "<p>Households on a low income may be able to get up to 85% off their council tax bill. Check if you are eligible and apply online.</p>"),
    ("2026-10-02 16:45", "Planning committee approves 240 homes at Fuller's Yard", "/news/fullers-yard-planning-decision", "Planning",
     "<p>The scheme includes 72 affordable homes, a new health hub and &pound;1.1m towards school places. Conditions limit construction traffic to the A4127.</p>"),
    ("2026-10-07 08:15", "Garden waste: half price for new subscribers this October", "/news/garden-waste-offer", "Waste and recycling",
     "<p>New subscribers can sign up for &pound;26 instead of &pound;52 until 31 October.</p>"),
    ("2026-10-12 11:00", "Budget 2027/28: a £14.2m gap and your views", "/news/budget-2027-28-consultation", "Budget",
     "<p>Rising demand for adult social care and temporary accommodation leaves a &pound;14.2m gap next year. "
     "Tell us which services matter most to you before 7 December.</p>"),
    ("2026-10-16 14:20", "Library opening hours: proposals published", "/news/library-opening-hours-proposals", "Libraries",
     "<p>We propose to reduce weekday afternoon opening at Eastgate, Redhill, Highgate and Ashcombe libraries to save &pound;310,000 a year. "
     "Brackenford Central Library hours will not change.</p>"),
    ("2026-10-21 17:05", "Eastgate Road closure extended to 14 November", "/news/eastgate-road-closure-extended", "Roads and transport",
     "<p>Weald Gas Networks has found a second damaged main. Bus routes 4 and 4A will continue to divert via Station Road.</p>"),
    ("2026-10-23 10:30", "Bin collections consultation: what you have told us so far", "/news/bins-consultation-interim", "Waste and recycling",
     "<p>More than 4,100 people have responded. The most common requests: keep food waste weekly, offer bigger bins for large households, "
     "and a weekly collection for nappies and hygiene waste.</p>"),
    ("2026-10-27 09:00", "Half-term at your library and leisure centre", "/news/half-term-activities", "Libraries",
     "<p>Free craft sessions, a Lego club and swimming lessons for &pound;1 &ndash; see what&#39;s on near you.</p>"),
    ("2026-10-30 15:00", "Winter bin collection times", "/news/winter-collection-times", "Waste and recycling",
     "<p>From Monday 2 November crews start at 6.30am. Please put your bins out by 6.30am on your collection day.</p>"),
    ("2026-11-03 18:30", "Quarry Road incinerator extension refused", "/news/quarry-road-planning-refused", "Planning",
     "<p>The planning committee refused permission for the extension, citing traffic on Quarry Road and the effect on nearby homes.</p>"),
    ("2026-11-06 13:10", "Statement on missed bin collections in Redhill and Highgate", "/news/missed-collections-statement", "Waste and recycling",
     "<p>Two collection vehicles have been off the road for repairs. We apologise; missed streets will be collected by Saturday.</p>"),
    ("2026-11-09 10:00", "Town centre parking tariffs change from January", "/news/parking-tariffs-2027", "Parking",
     "<p>Short-stay tariffs in council car parks will rise to &pound;4 an hour from 4 January. Blue badge holders continue to park free.</p>"),
    ("2026-11-12 12:00", "Remembrance Sunday road closures", "/news/remembrance-road-closures", "Roads and transport",
     "<p>Market Street and Church Lane will close from 9.30am to 12.30pm on Sunday 15 November for the parade and service.</p>"),
    ("2026-11-16 09:45", "Budget drop-in sessions this week", "/news/budget-drop-ins", "Budget",
     "<p>Talk to councillors and officers about next year&#39;s budget at Brackenford Central Library (Tuesday) and Eastgate Community Centre (Thursday).</p>"),
    ("2026-11-19 11:20", "Christmas and New Year bin collection dates", "/news/christmas-bin-dates", "Waste and recycling",
     "<p>Collections move by up to two days over the holidays. Check your new day with our postcode finder.</p>"),
    ("2026-11-23 16:00", "#BrackenfordLive: 24 hours of council calls on social media", "/news/brackenford-live", "Council news",
     "<p>From 7am on Tuesday we will share, anonymously, a selection of the calls, emails and reports we receive over 24 hours, "
     "to show the range of work the council does every day.</p>"),
    ("2026-11-25 15:30", "What we learned from #BrackenfordLive", "/news/brackenford-live-lessons", "Council news",
     "<p>We received 1,412 contacts in 24 hours. Thank you to everyone who followed, and to those who told us, sometimes forcefully, "
     "what they thought. We will publish a full review, including the cost in staff time.</p>"),
    ("2026-11-26 10:00", "Council tax 2027/28: proposals go to cabinet", "/news/council-tax-proposals-2027", "Council tax",
     "<p>Cabinet will consider a 4.99% increase, including 2% for adult social care, on 3 December. The papers are published today.</p>"),
    ("2026-11-27 08:00", "Gritting routes and how to report icy roads", "/news/winter-gritting", "Roads and transport",
     "<p>Our gritters treat 260km of priority roads when ice is forecast. Report an icy pavement or an empty grit bin online.</p>"),
]

# (published, headline, publisher, publisher site, article URL)
GOOGLE_NEWS = [
    ("2026-09-18 13:12", "Brackenford residents asked if bins should go fortnightly", "Brackenford Echo",
     "https://www.brackenfordecho.co.uk", "https://www.brackenfordecho.co.uk/news/bins-fortnightly-consultation-8812"),
    ("2026-09-22 07:00", "Brackenford asks residents whether bins should go fortnightly", "The Guardian",
     "https://www.theguardian.com", "https://www.theguardian.com/society/2026/sep/22/brackenford-consultation-fortnightly-bin-collections"),
    ("2026-10-03 06:30", "240 homes approved at Fuller's Yard despite traffic fears", "Wealdshire Gazette",
     "https://www.wealdshiregazette.co.uk", "https://www.wealdshiregazette.co.uk/news/fullers-yard-homes-approved-2041"),
    ("2026-10-12 17:40", "Brackenford Borough Council warns of £14.2m budget gap", "Local Government Weekly",
     "https://www.localgovweekly.example", "https://www.localgovweekly.example/finance/brackenford-budget-gap"),
    ("2026-10-16 18:05", "Four Brackenford libraries face shorter opening hours", "Brackenford Echo",
     "https://www.brackenfordecho.co.uk", "https://www.brackenfordecho.co.uk/news/libraries-opening-hours-9120"),
    ("2026-10-20 07:00", "Brackenford to cut opening hours at four libraries to save £310,000", "The Guardian",
     "https://www.theguardian.com", "https://www.theguardian.com/books/2026/oct/20/brackenford-libraries-opening-hours-cut"),
    ("2026-10-22 08:15", "Eastgate Road closure: traders say they are losing £1,000 a week", "Radio Brackenford",
     "https://www.radiobrackenford.co.uk", "https://www.radiobrackenford.co.uk/news/eastgate-road-traders"),
    ("2026-11-04 07:45", "Quarry Road incinerator plans thrown out by councillors", "Wealdshire Gazette",
     "https://www.wealdshiregazette.co.uk", "https://www.wealdshiregazette.co.uk/news/quarry-road-incinerator-refused-2207"),
    ("2026-11-06 19:20", "Bin chaos in Redhill as two lorries break down", "Brackenford Live",
     "https://www.brackenfordlive.co.uk", "https://www.brackenfordlive.co.uk/news/redhill-bin-chaos"),
    ("2026-11-10 07:00", "Brackenford doubles town centre parking charges from January", "The Guardian",
     "https://www.theguardian.com", "https://www.theguardian.com/uk-news/2026/nov/10/brackenford-town-centre-parking-charges-double"),
    ("2026-11-10 16:30", "Traders furious over Brackenford parking price rise", "Brackenford Echo",
     "https://www.brackenfordecho.co.uk", "https://www.brackenfordecho.co.uk/news/parking-charges-traders-9544"),
    ("2026-11-24 07:30", "Brackenford council to tweet every call it takes for 24 hours", "The Guardian",
     "https://www.theguardian.com", "https://www.theguardian.com/society/2026/nov/24/brackenford-council-tweet-every-call-24-hours"),
    ("2026-11-24 12:10", "#BrackenfordLive: council's 24-hour tweet marathon divides residents", "Brackenford Live",
     "https://www.brackenfordlive.co.uk", "https://www.brackenfordlive.co.uk/news/brackenford-live-tweets-divide"),
    ("2026-11-25 09:00", "What can councils learn from a day of live-tweeting?", "Local Government Weekly",
     "https://www.localgovweekly.example", "https://www.localgovweekly.example/digital/live-tweeting-lessons"),
    ("2026-11-26 14:25", "Brackenford council tax set to rise 4.99% as cabinet meets", "Radio Brackenford",
     "https://www.radiobrackenford.co.uk", "https://www.radiobrackenford.co.uk/news/council-tax-rise-2027"),
]

# (published, title HTML, snippet HTML, article URL, alert entry number)
GOOGLE_ALERTS = [
    ("2026-10-05 09:12", "Fuller&#39;s Yard: what the <b>Brackenford Borough Council</b> decision means for buyers",
     "Planning consent from <b>Brackenford Borough Council</b> includes 72 affordable homes and a new health hub&nbsp;...",
     "https://www.propertyweald.example/news/fullers-yard-consent", "13895207561042331718"),
    ("2026-10-13 08:40", "<b>Brackenford Borough Council</b> budget gap widens to £14.2m",
     "... <b>Brackenford Borough Council</b> said rising demand for adult social care and temporary accommodation&nbsp;...",
     "https://www.localgovweekly.example/finance/brackenford-budget-gap", "4471920385516003127"),
    ("2026-10-23 14:05", "Residents respond in thousands to <b>Brackenford</b> bin consultation",
     "More than 4,100 people have told <b>Brackenford Borough Council</b> what they think of fortnightly collections&nbsp;...",
     "https://www.brackenfordecho.co.uk/news/bins-consultation-responses-9231", "9012846653308177419"),
    ("2026-11-04 10:30", "Campaigners celebrate as <b>Brackenford</b> refuses incinerator extension",
     "Quarry Road residents said <b>Brackenford Borough Council</b> had listened to their concerns about traffic&nbsp;...",
     "https://www.wealdshiregazette.co.uk/news/incinerator-campaigners-react-2210", "16520937745120986630"),
    ("2026-11-11 07:55", "Letters: parking charges will finish off <b>Brackenford</b> high street",
     "Doubling the tariffs is the last thing our town centre needs, and <b>Brackenford Borough Council</b> should think again&nbsp;...",
     "https://www.brackenfordecho.co.uk/opinion/letters-parking-9560", "2290317755843210045"),
    ("2026-11-24 11:20", "<b>Brackenford Borough Council</b> live-tweets 24 hours of calls",
     "The experiment, run by volunteers from <b>Brackenford Borough Council</b>&#39;s contact centre, drew criticism&nbsp;...",
     "https://www.councilcomms.example/blog/brackenford-live-24-hours", "7734018265591042288"),
    ("2026-11-25 18:45", "In defence of <b>Brackenford</b>&#39;s 24-hour experiment",
     "Councils are damned if they try new things and damned if they don&#39;t. <b>Brackenford Borough Council</b> deserves credit&nbsp;...",
     "https://www.localgovdigital.example/posts/in-defence-of-brackenford", "11085923370016648891"),
    ("2026-11-26 12:15", "<b>Brackenford</b> council tax: 4.99% rise proposed for 2027/28",
     "Cabinet papers published by <b>Brackenford Borough Council</b> propose a 4.99% increase, including 2% for adult social care&nbsp;...",
     "https://www.radiobrackenford.co.uk/news/council-tax-rise-2027", "5564102938817720014"),
]
