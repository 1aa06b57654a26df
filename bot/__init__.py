"""Counterpoint core: corpus, argument map, matcher, persistence and the platform-neutral service."""
