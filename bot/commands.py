"""The commands members can give, in the order menus and help list them.

Each has a ``command.<name>`` description in the catalogues (the Telegram menu shows it); adapters
recognise these names (Slack's ``/eser <name>``, a Slack DM that is exactly a name). Organisers'
commands are recognised the same way but left out of the public menu (``help.organiser`` lists them
to organisers).
"""

MEMBER_COMMANDS: tuple[str, ...] = (
    "start",
    "help",
    "ask",
    "events",
    "funding",
    "join",
    "feedback",
    "subscribe",
    "unsubscribe",
    "subscriptions",
    "profile",
    "language",
    "forget",
    "privacy",
)

ORGANISER_COMMANDS: tuple[str, ...] = ("newevent", "announce")
