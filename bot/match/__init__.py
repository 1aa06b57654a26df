"""Matching a chat message to arguments, passages and counters, and the auto-reply gate."""
