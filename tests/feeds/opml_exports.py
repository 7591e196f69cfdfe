# ruff: noqa: E501  (exports are copied in their own shape, one outline a line)
"""OPML files written the way other feed readers export them (their published formats), with
the feed addresses pointing wherever a test wants (``{base}``).

Each sample is (document, expected feeds as (url, title, category)).
"""

from __future__ import annotations

Expected = list[tuple[str, str | None, str | None]]

# newsboat -e of older releases: OPML 1.0, flat, `type`, `xmlUrl`, `htmlUrl` (empty when unknown) and
# `title` (no `text`); its exec:, filter: and query: feeds are not exported.
NEWSBOAT = """<?xml version="1.0"?>
<opml version="1.0">
\t<head>
\t\t<title>newsboat - Exported Feeds</title>
\t</head>
\t<body>
\t\t<outline type="rss" xmlUrl="{base}/lwn.xml" htmlUrl="https://lwn.net" title="LWN.net"/>
\t\t<outline type="rss" xmlUrl="{base}/planet.xml?lang=en&amp;n=20" htmlUrl="" title="Planet &quot;Debian&quot;"/>
\t\t<outline type="rss" xmlUrl="{base}/untitled.xml" htmlUrl="" title=""/>
\t</body>
</opml>
"""
NEWSBOAT_FEEDS: Expected = [
    ("{base}/lwn.xml", "LWN.net", None),
    ("{base}/planet.xml?lang=en&n=20", 'Planet "Debian"', None),
    ("{base}/untitled.xml", None, None),
]

# newsboat --export-to-opml2 (newer releases, whose -e writes this as OPML 1.0 without `category`):
# `text` beside `title`, and the feed's tags in OPML 2.0's `category`, comma separated, no
# leading slash, an empty one when the feed has none.
NEWSBOAT2 = """<?xml version="1.0"?>
<opml version="2.0">
  <head>
    <title>newsboat - Exported Feeds</title>
  </head>
  <body>
    <outline type="rss" xmlUrl="{base}/lwn.xml" htmlUrl="https://lwn.net" title="LWN.net" text="LWN.net" category="linux,news"/>
    <outline type="rss" xmlUrl="{base}/xkcd.xml" htmlUrl="https://xkcd.com/" title="xkcd.com" text="xkcd.com" category=""/>
  </body>
</opml>
"""
NEWSBOAT2_FEEDS: Expected = [
    ("{base}/lwn.xml", "LWN.net", "linux"),
    ("{base}/xkcd.xml", "xkcd.com", None),
]

# FreshRSS: OPML 2.0 with its own namespace, categories as folders (`text` only), feeds with
# description and frss: attributes, and a web-scraping source that has no feed.
FRESHRSS = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0" xmlns:frss="https://freshrss.org/opml">
\t<head>
\t\t<title>FreshRSS</title>
\t\t<dateCreated>Mon, 06 May 2024 08:00:00 +0000</dateCreated>
\t</head>
\t<body>
\t\t<outline text="Uncategorized">
\t\t\t<outline text="FreshRSS releases" type="rss" xmlUrl="{base}/releases.atom" htmlUrl="https://github.com/FreshRSS/FreshRSS/" description="FreshRSS releases @ GitHub"/>
\t\t</outline>
\t\t<outline text="Science">
\t\t\t<outline text="Nature" type="rss" xmlUrl="{base}/nature.rss" htmlUrl="https://www.nature.com/" frss:cssFullContent="div.article__body" frss:priority="10"/>
\t\t\t<outline text="Scraped news" type="HTML+XPath" xmlUrl="{base}/page.html" htmlUrl="{base}/page.html" frss:xPathItem="//article" frss:xPathItemTitle="descendant::h2"/>
\t\t</outline>
\t</body>
</opml>
"""
FRESHRSS_FEEDS: Expected = [
    ("{base}/releases.atom", "FreshRSS releases", "Uncategorized"),
    ("{base}/nature.rss", "Nature", "Science"),
]

# Feedly: OPML 1.0, a blank line after the declaration, folders and feeds with both `text`
# and `title`, the same feed in two folders.
FEEDLY = """<?xml version="1.0" encoding="UTF-8"?>

<opml version="1.0">
  <head>
    <title>Jane subscriptions in feedly Cloud</title>
  </head>
  <body>
    <outline text="Tech" title="Tech">
      <outline type="rss" text="Ars Technica" title="Ars Technica" xmlUrl="{base}/ars.xml" htmlUrl="https://arstechnica.com"/>
      <outline type="rss" text="The Verge" title="The Verge -  All Posts" xmlUrl="{base}/verge.xml" htmlUrl="https://www.theverge.com/"/>
    </outline>
    <outline text="Must read" title="Must read">
      <outline type="rss" text="Ars Technica" title="Ars Technica" xmlUrl="{base}/ars.xml" htmlUrl="https://arstechnica.com"/>
    </outline>
  </body>
</opml>
"""
FEEDLY_FEEDS: Expected = [
    ("{base}/ars.xml", "Ars Technica", "Tech"),
    ("{base}/verge.xml", "The Verge - All Posts", "Tech"),
]

# Inoreader: OPML 1.0, folders with text and title, nested folders, a feed at the top level.
INOREADER = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head>
    <title>Subscriptions of Jane from Inoreader [https://www.inoreader.com]</title>
  </head>
  <body>
    <outline text="News" title="News">
      <outline text="BBC News - World" title="BBC News - World" type="rss" xmlUrl="{base}/bbc.xml" htmlUrl="https://www.bbc.co.uk/news/"/>
      <outline text="Europe" title="Europe">
        <outline text="Le Monde" title="Le Monde.fr - Actualités" type="rss" xmlUrl="{base}/lemonde.xml" htmlUrl="https://www.lemonde.fr"/>
      </outline>
    </outline>
    <outline text="xkcd.com" title="xkcd.com" type="rss" xmlUrl="{base}/xkcd.xml" htmlUrl="https://xkcd.com/"/>
  </body>
</opml>
"""
INOREADER_FEEDS: Expected = [
    ("{base}/bbc.xml", "BBC News - World", "News"),
    ("{base}/lemonde.xml", "Le Monde.fr - Actualités", "News/Europe"),
    ("{base}/xkcd.xml", "xkcd.com", None),
]

# Older and hand-made lists: attribute names in other case, `text` only, OPML 2.0's own
# `category` attribute, an ISO-8859-1 document, comments and a doctype without entities.
ODD = """<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE opml>
<!-- exported by hand -->
<opml version="2.0">
  <head><title>Caf\xe9 feeds</title></head>
  <body>
    <outline TEXT="Caf\xe9 news" XMLURL="{base}/cafe.xml" TYPE="RSS"/>
    <outline text="Weather" xmlurl="{base}/weather.xml" category="/Boston/Weather,/Harvard"/>
    <outline text="Empty folder"/>
  </body>
</opml>
"""
ODD_FEEDS: Expected = [
    ("{base}/cafe.xml", "Café news", None),
    ("{base}/weather.xml", "Weather", "Boston/Weather"),
]

SAMPLES = {
    "newsboat": (NEWSBOAT, NEWSBOAT_FEEDS),
    "newsboat2": (NEWSBOAT2, NEWSBOAT2_FEEDS),
    "freshrss": (FRESHRSS, FRESHRSS_FEEDS),
    "feedly": (FEEDLY, FEEDLY_FEEDS),
    "inoreader": (INOREADER, INOREADER_FEEDS),
    "odd": (ODD, ODD_FEEDS),
}
