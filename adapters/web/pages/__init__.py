"""The read-only web pages: topics and search, arguments, sources with quotes in place, the map, private debates."""
