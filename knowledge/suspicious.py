"""Sentences the network's own pages never need: credential requests, prompt injection, odd links.

Used on knowledge-base text at ingest (such sentences are removed and reported) and on generated
answers (such an answer is refused). The phrase lists cover the bot's six languages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from knowledge.links import ContentPolicy, host_of, real_domain

_CREDENTIAL = (
    r"passwor[dt]s?|pass\s?(?:code|phrase)s?|kennw[oö]rt(?:er)?|zugangs(?:daten|code)|anmeldedaten"
    r"|login[- ]?(?:details|data|daten|credentials|info\w*)|log-?in\s+(?:details|credentials)"
    r"|credentials?|credenciales|credenziali|identifiants?(?:\s+de\s+connexion)?"
    r"|mots?\s+de\s+passe|(?:code|données|informations)\s+(?:d'accès|de\s+connexion)"
    r"|contraseñas?|datos\s+de\s+acceso|clave\s+de\s+acceso|dati\s+di\s+accesso|parola\s+d'ordine"
    r"|has(?:ło|ła|łem|eł|la|lo)|dan(?:e|ych)\s+(?:logowania|dostępowe|dostępowych)"
    r"|(?:pin|tan|otp|2fa|one[- ]time|verification|security|sms)\s+codes?|\bpin\b"
)
# Verbs that hand something over; "enter" or "submit" alone also describe honest portal steps.
_SEND = (
    r"send|e-?mail|mail|give|provide|share|forward|disclose|reveal|tell|reply|transmit|hand\s+over"
    r"|envo\w+|transm\w+|communiqu\w+|fourni\w*|donne[zr]?|partage[zr]?|indique[zr]?"
    r"|schick\w*|sende[nt]?|übermittel\w*|übersend\w*|gib|geben|mitteil\w*|teil\w*\s+mit|nenn\w*"
    r"|env(?:ía|ie|íe|iar|iad|íen|ien)\w*|mánd\w*|manda(?:r|d|me|nos)?|facilit(?:e|a|ar|en|ad)"
    r"|proporcion(?:e|a|ar|en|ad)|compart(?:e|a|ir|an|id)|escrib\w+|invia\w*|fornisc\w*|fornire"
    r"|comunic\w+|condivid\w+|scriv\w+|wyślij|wyslij|prześlij|przeslij|podaj\w*|przekaż\w*|udostępnij"
)
# Verbs that only ask for credentials when a link or address follows ("enter your password at ...").
_ENTER = (
    r"enter|type|submit|confirm|verify|log\s*in|sign\s*in|saisi\w*|entre[rz]|eingeb\w*|introduc\w+"
    r"|inserisc\w*|wpisz"
)
_TO_ADDRESS = r"(?:to|at|on|via|à|sur|an|auf|a|al|alla|su|do|na|per|por|en)\W+(?:https?://|www\.|[\w.+-]+@)"
CREDENTIAL_REQUEST = re.compile(
    rf"\b(?:{_SEND})\b(?:\W+\w+){{0,6}}?\W+(?:{_CREDENTIAL})\b"
    rf"|\b(?:{_SEND}|{_ENTER})\b(?:\W+\w+){{0,6}}?\W+(?:{_CREDENTIAL})\b(?:\W+\w+){{0,4}}?\W+{_TO_ADDRESS}"
    rf"|\b(?:{_CREDENTIAL})\b(?:\W+\w+){{0,4}}?\W+{_TO_ADDRESS}",
    re.IGNORECASE,
)
# A warning about credentials ("never share your password") is the opposite of a request.
NEGATION = re.compile(
    r"\b(?:never|do\s+not|don't|jamais|ne\s+\w+\s+pas|nie(?:mals)?|keinesfalls|nunca|no\s+\w+|mai|non)\b",
    re.IGNORECASE,
)
_IGNORE = r"ignore\w*|disregard|forget|oublie\w*|ignorier\w*|vergiss|olvid\w+|dimentic\w+|zignoruj|pomiń"
_EARLIER = (
    r"previous|prior|above|earlier|preceding|all|any|your|précédentes?|toutes?|vorherigen|bisherigen|obigen"
    r"|alle|anteriores|previas|todas|precedenti|tutte|poprzednie|wcześniejsze|wszystkie"
)
_RULES = (
    r"instructions?|rules|prompts?|directions|guidelines|consignes|règles|anweisungen|regeln|instrucciones"
    r"|reglas|istruzioni|regole|instrukcj\w*|polece\w+|zasady"
)
INJECTION = re.compile(
    rf"\b(?:{_IGNORE})\W+(?:\w+\W+){{0,3}}?(?:{_EARLIER})\W+(?:\w+\W+){{0,2}}?(?:{_RULES})\b"
    rf"|\b(?:{_IGNORE})\W+(?:{_RULES})\b"
    r"|\byou\s+are\s+now\b|\bnew\s+instructions\b|\bsystem\s+prompt\b|\bdeveloper\s+mode\b|\bjailbreak"
    r"|\bact\s+as\s+(?:an?|the)\s+(?:ai|assistant|chatbot|bot|language\s+model|system)\b"
    r"|\bfrom\s+now\s+on,?\s+(?:you|always|only|answer|respond|reply)\b"
    r"|\b(?:tell|instruct)\s+(?:every|all)\s+(?:members?|users?)\b"
    r"|^\s*(?:system|assistant|user)\s*:|</?\s*(?:system|passages?|instructions?)\b",
    re.IGNORECASE,
)
URL = re.compile(
    r"\b(?:[a-z][a-z0-9+.-]*://|(?:javascript|vbscript|data|file|blob|mailto|tel):|www\.)[^\s<>\"'()\[\]{}]+",
    re.IGNORECASE,
)
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@((?:[a-z0-9-]+\.)+[a-z]{2,})\b", re.IGNORECASE)
# A domain written without a scheme ("evil.example/collect"); only kept when its suffix is real.
BARE_DOMAIN = re.compile(
    r"(?<![\w@./-])((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,})(?:/[^\s<>\"'()]*)?", re.IGNORECASE
)
TRAILING = ".,;:!?'\")]}"
DOT_LETTER = re.compile(r"[a-z0-9]\.[a-z]", re.IGNORECASE)
WORD = re.compile(r"\w+")
# Word starts without which the two phrase patterns above cannot match: testing these first keeps a
# 2 MB file to about a second (the full patterns cost ~1 µs per character).
CREDENTIAL_STEMS = (
    "passw", "passc", "passph", "kennw", "zugang", "anmelde", "login", "log", "credent", "credenc",
    "credenz", "identifiant", "mot", "mots", "code", "donn", "inform", "contrase", "datos", "clave",
    "dati", "parola", "has", "dan", "pin", "tan", "otp", "2fa", "one", "verification", "security", "sms",
)  # fmt: skip
INJECTION_STEMS = (
    "ignor", "disregard", "forget", "oubli", "vergiss", "olvid", "dimentic", "zignoruj", "pomi", "you",
    "new", "system", "developer", "jailbreak", "act", "from", "tell", "instruct", "assistant", "user",
)  # fmt: skip


@dataclass(frozen=True)
class Suspicion:
    """Why a sentence is held back.

    Attributes:
        reason: What is wrong, for the ingest report.
        needle: The exact text that triggered it (to find its line in the source file).
    """

    reason: str
    needle: str


def links_in(text: str) -> list[str]:
    """Every link-like token in ``text`` (URLs with any scheme, ``www.`` hosts), trailing punctuation cut."""
    return [match.group(0).rstrip(TRAILING) for match in URL.finditer(text)]


def hosts_in(text: str) -> list[tuple[str, str]]:
    """``(host, needle)`` for each web link, e-mail address and real-looking bare domain in ``text``."""
    found: list[tuple[str, str]] = []
    spans: list[tuple[int, int]] = []
    for match in URL.finditer(text):
        spans.append(match.span())
        token = match.group(0).rstrip(TRAILING)
        host = host_of("http://" + token if token.lower().startswith("www.") else token)
        if host:
            found.append((host, token))
    for match in EMAIL.finditer(text):
        spans.append(match.span())
        found.append((match.group(1).lower(), match.group(0)))
    for match in BARE_DOMAIN.finditer(text) if DOT_LETTER.search(text) else ():
        if not any(start <= match.start() < end for start, end in spans) and real_domain(match.group(1)):
            found.append((match.group(1).lower(), match.group(0).rstrip(TRAILING)))
    return found


def unsafe_links(text: str) -> list[str]:
    """Links whose scheme is not http(s) (``javascript:``, ``file:``, ``data:``...)."""
    return [
        link
        for link in links_in(text)
        if not link.lower().startswith(("http://", "https://", "www.", "mailto:"))
    ]


def suspicion(text: str, *, policy: ContentPolicy, own_sites: Iterable[str]) -> Suspicion | None:
    """Why ``text`` (one sentence) should not reach a member, or None.

    Args:
        text: The sentence.
        policy: The content policy (its allow-list also admits links).
        own_sites: Registrable domains of the document's own sources.
    """
    tokens = WORD.findall(text.lower())
    if ("<" in text or any(token.startswith(INJECTION_STEMS) for token in tokens)) and (
        match := INJECTION.search(text)
    ):
        return Suspicion("reads like instructions to the assistant", match.group(0))
    if any(token.startswith(CREDENTIAL_STEMS) for token in tokens):
        match = CREDENTIAL_REQUEST.search(text)
        if match and not NEGATION.search(text[: match.start()]):
            return Suspicion("asks the reader for credentials", match.group(0))
    if unsafe := unsafe_links(text):
        return Suspicion(f"link that is not http(s): {unsafe[0][:60]}", unsafe[0])
    sites = set(own_sites)
    for host, needle in hosts_in(text):
        if not policy.allowed_host(host, sites):
            return Suspicion(f"link to another site: {host}", needle)
    return None
