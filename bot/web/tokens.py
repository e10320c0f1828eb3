"""One-time sign-in links for the organisers' web page.

A link carries a token signed with itsdangerous (HMAC with a key kept in the database's
``app_secrets``, so any replica can check a link another one issued): the organiser it is bound to,
a random id and the time it was issued. A token whose signature does not match is forged; one older
than ``ESER_WEB_LINK_MINUTES`` has expired; one whose id is already in ``web_login_links`` was used.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

LOGIN_PATH = "/organisers/login"
SALT = "eser-organisers-login"


class LinkRefused(Exception):
    """A sign-in link that does not sign in.

    Attributes:
        reason: ``forged``, ``expired`` or ``used``.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class LoginClaim:
    """Who a valid link signs in, and the link's id (to mark it used)."""

    platform: str
    user_id: str
    token_id: str
    issued_at: datetime


def _clock_signer(clock: Callable[[], datetime]) -> type[TimestampSigner]:
    # itsdangerous reads time.time(); the app's clock (fixed in tests) decides expiry instead.
    class ClockSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(clock().timestamp())

    return ClockSigner


class LoginLinks:
    """Issues and checks sign-in links.

    Args:
        key: The signing key (``app_secrets``).
        base_url: ``ESER_WEB_BASE_URL``: where the web page is reached from outside.
        lifetime: How long a link works.
        clock: Current UTC time.
    """

    def __init__(self, key: bytes, base_url: str, lifetime: timedelta, clock: Callable[[], datetime]) -> None:
        self._serializer = URLSafeTimedSerializer(key, salt=SALT, signer=_clock_signer(clock))
        self._base_url = base_url.rstrip("/")
        self.lifetime = lifetime
        self._clock = clock

    def issue(self, platform: str, user_id: str) -> str:
        """A new link for the organiser ``platform:user_id``."""
        token = self._serializer.dumps({"p": platform, "u": user_id, "j": secrets.token_hex(12)})
        return f"{self._base_url}{LOGIN_PATH}?{urlencode({'token': token})}"

    def check(self, token: str) -> LoginClaim:
        """The claim of a genuine, unexpired token (whether it was used is the store's to say).

        Raises:
            LinkRefused: ``forged`` or ``expired``.
        """
        try:
            data, issued = self._serializer.loads(
                token, max_age=int(self.lifetime.total_seconds()), return_timestamp=True
            )
        except SignatureExpired as error:
            raise LinkRefused("expired") from error
        except BadSignature as error:
            raise LinkRefused("forged") from error
        if not _well_formed(data):
            raise LinkRefused("forged")
        return LoginClaim(platform=data["p"], user_id=data["u"], token_id=data["j"], issued_at=issued)


def _well_formed(data: Any) -> bool:
    return isinstance(data, dict) and all(isinstance(data.get(name), str) and data[name] for name in "puj")
