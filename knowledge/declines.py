"""Requests the bot declines before looking anything up, each with its own reply: passwords and
login details (always with a warning), personal data about people, asking the bot to act on the
member's behalf, and what is out of scope (small talk, other topics, attempts to re-instruct it).

Cue words in the six languages, matched on folded text (lower case, no accents). A question that is
also about the network ("Hi! How do we join ESER?") is not small talk; the others are decided by
their cues alone.
"""

from __future__ import annotations

import re
from typing import Literal

from knowledge.crosslingual import fold

DeclineKind = Literal["credentials", "personal_data", "act_on_behalf", "out_of_scope", "unknown"]


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w])(?:" + "|".join(alternatives) + r")(?![\w])")


CREDENTIALS = _words(
    r"passwords?",
    r"passcodes?",
    r"login details",
    r"log-?in credentials",
    r"credentials",
    r"pin code",
    r"one-time code",
    r"verification code",
    r"mot de passe",
    r"mots de passe",
    r"identifiants",
    r"passwort",
    r"passworter",
    r"kennwort",
    r"zugangsdaten",
    r"anmeldedaten",
    r"contrasenas?",
    r"credenciales",
    r"clave de acceso",
    r"credenziali",
    r"parola d'ordine",
    r"hasl[oa]",
    r"hasłem",
    r"haslem",
    r"dane logowania",
    r"dane do logowania",
)
# "my EU login is anna@x.pl / Secret123": a login and what follows it as a pair.
CREDENTIAL_PAIR = re.compile(
    r"(?<![\w])(?:eu ?login|login|user ?name|identifiant|benutzer\w*|usuario|utente|uzytkownik)(?![\w])"
    r".{0,20}?\S+@\S+\s*[/|;,]\s*\S{4,}"
)
PERSONAL_DATA = _words(
    r"phone numbers?",
    r"telephone",
    r"mobile (?:phone|number)",
    r"cell ?phone",
    r"home address(?:es)?",
    r"private (?:address|e-?mail|phone|number)",
    r"personal (?:e-?mail|address|phone|number|details)",
    r"date of birth",
    r"passport number",
    r"id number",
    r"social security",
    r"numero de telephone",
    r"telephone portable",
    r"portable",
    r"adresse (?:personnelle|privee|du domicile)",
    r"date de naissance",
    r"telefonnummer",
    r"handynummer",
    r"handy",
    r"privatadresse",
    r"wohnadresse",
    r"private e-?mail",
    r"private handynummer",
    r"privaten? \w+nummer",
    r"geburtsdatum",
    r"telefono",
    r"movil",
    r"direccion (?:particular|personal|de casa)",
    r"domicilio",
    r"dni",
    r"nie",
    r"fecha de nacimiento",
    r"cellulare",
    r"indirizzo di casa",
    r"residenza",
    r"codice fiscale",
    r"data di nascita",
    r"numer telefonu",
    r"komork\w*",
    r"adres (?:domowy|zamieszkania)",
    r"pesel",
    r"data urodzenia",
    r"prywatn\w* (?:e-?mail|adres|numer)",
)
# "the e-mail of Anna Kowalska": a contact detail of a named person (institutions are not people).
NAMED_PERSON = re.compile(
    r"\b(?:e-?mail|mail|address|adresse|adresa|adres|correo|indirizzo|number|nummer|numero|numer)\b"
    r"[^?.!]{0,30}\b(?:of|de|von|di|do|od|del|della)\s+([A-ZÀ-Ž][a-zà-ž]+)\s+([A-ZÀ-Ž][a-zà-ž]+)"
)
NOT_PEOPLE = frozenset(
    "european commission social economy regions gateway grow union council parliament".split()
)
ACTION_VERBS = (
    r"submit|send|file|fill (?:in|out)|complete|register|enrol|enroll|sign (?:us |me )?up|apply|log ?in"
    r"|upload|book|soumettre|envoyer|deposer|remplir|inscrire|enregistrer|postuler|candidater|einreichen"
    r"|senden|schicken|ausfullen|anmelden|registrieren|bewerben|enviar|presentar|rellenar|inscribir"
    r"|registrar|solicitar|inviare|presentare|compilare|iscrivere|registrare|zlozyc|wyslac|wypelnic"
    r"|zarejestrowac|zapisac"
)
ON_OUR_BEHALF = _words(
    r"for us",
    r"on our behalf",
    r"for me",
    r"on my behalf",
    r"in our name",
    r"pour nous",
    r"a notre place",
    r"en notre nom",
    r"pour moi",
    r"a ma place",
    r"fur uns",
    r"in unserem namen",
    r"fur mich",
    r"por nosotros",
    r"en nuestro nombre",
    r"por mi",
    r"en mi nombre",
    r"per noi",
    r"a nome nostro",
    r"al posto nostro",
    r"per me",
    r"za nas",
    r"w naszym imieniu",
    r"za mnie",
    r"w moim imieniu",
    r"voi",
)
ASK_TO_ACT = re.compile(
    r"(?<![\w])(?:can you|could you|would you|will you|please|pouvez-vous|pourriez-vous|peux-tu|"
    r"konnen sie|konnten sie|kannst du|bitte|puedes|podeis|puede usted|podrian|por favor|potete|puoi|"
    r"potreste|per favore|czy mozesz|czy mozecie|czy moze pan|czy moze pani|prosze)\s+(?:\w+\s+){0,2}?(?:"
    + ACTION_VERBS
    + r")(?![\w])"
)
INSTRUCTIONS = re.compile(
    r"ignore (?:all |any |the )?(?:previous |prior |above |earlier )?(?:instructions|rules|prompts?)|"
    r"system prompt|you are now|jailbreak|developer mode|\bdan\b|forget (?:your|all) (?:rules|instructions)|"
    r"pretend (?:to be|you are)|ignore(?:z)? (?:les|toutes les) instructions|ignoriere \w* ?anweisungen|"
    r"ignora (?:las|todas las|le|tutte le) (?:instrucciones|istruzioni)|"
    r"zignoruj \w* ?(?:instrukcje|polecenia)"
)
SMALL_TALK = _words(
    r"hi",
    r"hello",
    r"hey",
    r"good (?:morning|afternoon|evening)",
    r"how are you",
    r"thanks?",
    r"thank you",
    r"joke",
    r"who are you",
    r"bonjour",
    r"salut",
    r"merci",
    r"ca va",
    r"blague",
    r"hallo",
    r"guten tag",
    r"wie geht'?s",
    r"danke",
    r"witz",
    r"hola",
    r"buenos dias",
    r"gracias",
    r"que tal",
    r"chiste",
    r"ciao",
    r"buongiorno",
    r"grazie",
    r"come stai",
    r"barzelletta",
    r"czesc",
    r"dzien dobry",
    r"dziekuje",
    r"zart",
)
OTHER_TOPICS = _words(
    r"weather",
    r"forecast",
    r"meteo",
    r"quel temps",
    r"wetter",
    r"que tiempo",
    r"clima",
    r"pogod\w*",
    r"restaurants?",
    r"pizza\w*",
    r"recipes?",
    r"recette",
    r"rezept",
    r"receta",
    r"ricetta",
    r"przepis",
    r"football",
    r"soccer",
    r"match",
    r"fussball",
    r"spiel",
    r"futbol",
    r"partido",
    r"calcio",
    r"partita",
    r"mecz",
    r"movies?",
    r"films?",
    r"cinema",
    r"kino",
    r"bitcoin",
    r"horoscope",
    r"lottery",
    r"lotto",
)
# Asking for a poem, a joke or a story is out of scope whatever it is about.
CREATIVE = re.compile(
    r"(?<![\w])(?:write|tell|compose|make up|ecris|raconte|schreib\w*|erzahl\w*|escribe|cuentame|cuenta|"
    r"scrivi|raccontami|racconta|napisz|opowiedz)\b.{0,20}?\b(?:joke|poem|story|song|haiku|limerick|blague|"
    r"poeme|histoire|chanson|witz|gedicht|geschichte|lied|chiste|poema|historia|cancion|barzelletta|poesia|"
    r"storia|canzone|zart|wiersz|historie|historyjk\w*|piosenk\w*)\b"
)
# Words that make a message about the network after all.
DOMAIN = _words(
    r"eser",
    r"social economy",
    r"economie sociale",
    r"sozialwirtschaft",
    r"economia social",
    r"economia sociale",
    r"gospodarki spolecznej",
    r"gospodarka spoleczna",
    r"funding",
    r"fund",
    r"grant",
    r"call",
    r"cooperatives?",
    r"social enterprises?",
    r"join",
    r"member",
    r"events?",
    r"conference",
    r"esf\+?",
    r"erasmus\+?",
    r"investeu",
    r"interreg",
    r"horizon europe",
    r"missions?",
)


def decline_kind(question: str) -> DeclineKind | None:
    """The kind of decline ``question`` calls for before any lookup, or None to look it up.

    Credentials come first: a message that shares or asks for a password always gets the warning.
    """
    folded = " ".join(fold(question).split())
    if CREDENTIALS.search(folded) or CREDENTIAL_PAIR.search(folded):
        return "credentials"
    if PERSONAL_DATA.search(folded) or _names_a_person(question):
        return "personal_data"
    if ASK_TO_ACT.search(folded) or (ON_OUR_BEHALF.search(folded) and re.search(ACTION_VERBS, folded)):
        return "act_on_behalf"
    if INSTRUCTIONS.search(folded) or CREATIVE.search(folded):
        return "out_of_scope"
    on_topic = bool(DOMAIN.search(folded))
    if OTHER_TOPICS.search(folded) and not on_topic:
        return "out_of_scope"
    if SMALL_TALK.search(folded) and not on_topic and len(folded.split()) <= 8:
        return "out_of_scope"
    return None


def mentions_the_network(question: str) -> bool:
    """Whether ``question`` names the network or its subjects (funding, joining, events...)."""
    return bool(DOMAIN.search(" ".join(fold(question).split())))


def _names_a_person(question: str) -> bool:
    for match in NAMED_PERSON.finditer(question):
        if not {fold(match.group(1)), fold(match.group(2))} & NOT_PEOPLE:
            return True
    return False
