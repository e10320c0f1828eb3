"""The Slack adapter (slack-bolt): ``SlackRunner`` serves the Events API over HTTP or Socket Mode.

Modules: ``translate`` (payload -> ``IncomingMessage``), ``render`` (``Reply`` -> Block Kit),
``sender`` (Web API delivery, ``bot.delivery.Sender``), ``handlers`` (what happens after the ack),
``users`` (cached member look-ups), ``retry`` (Web API retries), ``config`` (settings checks) and
``app`` (the runner). ``manifest.yaml`` creates the Slack app.
"""

from __future__ import annotations

from adapters.slack.app import SlackRunner

__all__ = ["SlackRunner"]
