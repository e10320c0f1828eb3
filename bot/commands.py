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
    "human",
    "handoffs",
    "subscribe",
    "unsubscribe",
    "subscriptions",
    "profile",
    "language",
    "forget",
    "privacy",
)

ORGANISER_COMMANDS: tuple[str, ...] = ("newevent", "announce", "handoff", "web")

# Commands a member may type as a bare word, without the slash, in any of the six languages
# ("help", "aide", "pomoc"): the word's language, when it is not English, is the reply's language.
BARE_WORDS: dict[str, tuple[str, str]] = {
    "help": ("help", "en"),
    "aide": ("help", "fr"),
    "hilfe": ("help", "de"),
    "ayuda": ("help", "es"),
    "aiuto": ("help", "it"),
    "pomoc": ("help", "pl"),
    "events": ("events", "en"),
    "evenements": ("events", "fr"),
    "veranstaltungen": ("events", "de"),
    "termine": ("events", "de"),
    "eventos": ("events", "es"),
    "eventi": ("events", "it"),
    "wydarzenia": ("events", "pl"),
    "join": ("join", "en"),
    "adherer": ("join", "fr"),
    "rejoindre": ("join", "fr"),
    "adhesion": ("join", "fr"),
    "beitreten": ("join", "de"),
    "mitmachen": ("join", "de"),
    "unirse": ("join", "es"),
    "unirme": ("join", "es"),
    "aderire": ("join", "it"),
    "adesione": ("join", "it"),
    "dolaczyc": ("join", "pl"),
    "przystapic": ("join", "pl"),
    "funding": ("funding", "en"),
    "financement": ("funding", "fr"),
    "financements": ("funding", "fr"),
    "forderung": ("funding", "de"),
    "finanzierung": ("funding", "de"),
    "financiacion": ("funding", "es"),
    "finanziamenti": ("funding", "it"),
    "finanziamento": ("funding", "it"),
    "finansowanie": ("funding", "pl"),
    "start": ("start", "en"),
}


def bare_command(text: str) -> tuple[str, str] | None:
    """``(command, language)`` when ``text`` is a bare command word ("help", "Aide !", "pomoc").

    Args:
        text: A message's text.
    """
    import unicodedata

    word = unicodedata.normalize("NFKD", text.strip().strip("!?.¿¡ ").lower())
    word = "".join(char for char in word if not unicodedata.combining(char)).replace("ł", "l")
    return BARE_WORDS.get(word)
