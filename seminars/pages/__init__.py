"""Public HTML pages: home, talks, archive, series, tags, speakers, search, sitemaps."""
