"""python-telegram-bot's calls to the Bot API over aiohttp instead of httpx.

python-telegram-bot sends through ``BaseRequest``, whose default implementation uses httpx; the
library documents the class as the place to plug in another HTTP client. With 50 members asking at
once, httpx's connection pool (httpcore) was a quarter of the time the event loop spent holding the
GIL: it walks every pooled connection and queued request for each request. aiohttp, already the web
server of the webhook, the health probe and the Slack adapter, keeps its pool in a dict of deques
and parses responses in C: 0.34–0.41 against 1.86–2.23 ms of CPU per ``sendMessage`` with 50 at a
time, client and fake Bot API together (``benchmarks/bench_telegram_http.py``).

Requests are encoded as httpx encodes them for python-telegram-bot: a form, multipart when files
are attached. Failures become the library's ``TimedOut`` and ``NetworkError``, with the aiohttp
error as their cause (see ``posting.may_have_arrived``).
"""

from __future__ import annotations

from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# As python-telegram-bot's HTTPXRequest: connections kept per host, and seconds for each phase.
DEFAULT_POOL_SIZE = 256
DEFAULT_TIMEOUT = 5.0


class AiohttpRequest(BaseRequest):
    """A ``BaseRequest`` on an ``aiohttp.ClientSession``.

    Args:
        connection_pool_size: Connections kept open to the Bot API at most.
        read_timeout: Seconds to wait for an answer (python-telegram-bot's ``read_timeout``).
        connect_timeout: Seconds to connect, waiting for a free pooled connection included.
        pool_timeout: Seconds to wait for a free pooled connection (added to ``connect_timeout``:
            aiohttp counts both in one connection timeout).

    python-telegram-bot's write timeouts have no counterpart: aiohttp bounds no single write, and
    the read timeout runs from the end of the upload.
    """

    def __init__(
        self,
        connection_pool_size: int = DEFAULT_POOL_SIZE,
        read_timeout: float | None = DEFAULT_TIMEOUT,
        connect_timeout: float | None = DEFAULT_TIMEOUT,
        pool_timeout: float | None = 1.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """Seconds to wait for the Bot API's answer by default."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session (on the running event loop)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, limit_per_host=self._pool_size)
            self._session = aiohttp.ClientSession(connector=connector)

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """See ``BaseRequest.do_request``."""
        del write_timeout  # no counterpart in aiohttp (see the class's docstring)
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        read = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        connect = self._connect_timeout if isinstance(connect_timeout, DefaultValue) else connect_timeout
        pool = self._pool_timeout if isinstance(pool_timeout, DefaultValue) else pool_timeout
        waiting = None if connect is None and pool is None else (connect or 0.0) + (pool or 0.0)
        timeout = aiohttp.ClientTimeout(total=None, connect=waiting, sock_connect=connect, sock_read=read)
        try:
            async with self._session.request(
                method,
                url,
                data=_body(request_data),
                headers={"User-Agent": self.USER_AGENT},
                timeout=timeout,
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:  # aiohttp's timeouts (connection, socket read) derive from it
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error


def _body(request_data: RequestData | None) -> Any:
    if request_data is None:
        return None
    parameters = request_data.json_parameters
    files = request_data.multipart_data
    if not files:
        return parameters or None
    form = aiohttp.FormData()
    for name, value in parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mime_type) in files.items():
        form.add_field(name, content, filename=filename, content_type=mime_type)
    return form
