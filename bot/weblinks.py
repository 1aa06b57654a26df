"""Addresses of the web pages (argument, quote in context, signed debate) shared by replies and the server."""
from __future__ import annotations

import hashlib
import hmac
import time
from urllib.parse import quote as _q

DEBATE_LINK_TTL = 7 * 24 * 3600  # seconds a debate link stays valid


def _base(base: str) -> str:
    return base.rstrip("/")


def argument_path(argument_id: str) -> str:
    return f"/arguments/{_q(argument_id, safe='')}"


def quote_path(argument_id: str, index: int) -> str:
    """The server redirects this to the quote's passage, highlighted, in its source page."""
    return f"/quotes/{_q(argument_id, safe='')}/{index}"


def source_path(source_id: str) -> str:
    return f"/sources/{_q(source_id, safe='')}"


def passage_anchor(passage_index: int) -> str:
    """The fragment id of a passage on its source page."""
    return f"p{passage_index}"


def argument_url(base: str, argument_id: str) -> str:
    return _base(base) + argument_path(argument_id)


def quote_url(base: str, argument_id: str, index: int) -> str:
    return _base(base) + quote_path(argument_id, index)


def source_url(base: str, source_id: str, passage_index: int) -> str:
    """A passage on its source page."""
    return f"{_base(base)}{source_path(source_id)}#{passage_anchor(passage_index)}"


def debate_signature(secret: str, debate_id: int | str, expires: int) -> str:
    message = f"debate:{debate_id}:{expires}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def debate_url(base: str, secret: str, debate_id: int | str, *, now: float | None = None,
               ttl: int = DEBATE_LINK_TTL) -> str:
    expires = int(now if now is not None else time.time()) + ttl
    sig = debate_signature(secret, debate_id, expires)
    return f"{_base(base)}/debates/{_q(str(debate_id), safe='')}?exp={expires}&sig={sig}"


def debate_link_valid(secret: str, debate_id: int | str, expires: str | None, sig: str | None,
                      *, now: float | None = None) -> bool:
    """True when `sig` signs this debate and expiry with `secret` and the expiry has not passed."""
    if not secret or not expires or not sig or not expires.isdigit():
        return False
    if int(expires) < (now if now is not None else time.time()):
        return False
    return hmac.compare_digest(debate_signature(secret, debate_id, int(expires)), sig)
