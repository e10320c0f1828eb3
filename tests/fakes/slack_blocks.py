"""Block Kit's documented limits, as the fake Slack enforces them (Slack answers ``invalid_blocks``).

From Slack's Block Kit reference: at most 50 blocks in a message (100 in a Home tab view); a text
object at most 3,000 characters (a section's text, a context element); a header 150; at most 10
context elements and 25 actions elements; a button's text 75 characters, its ``value`` 2,000 and its
``url`` 3,000; an ``action_id`` or ``block_id`` 255.
"""

from __future__ import annotations

from typing import Any

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
TEXT = 3000
HEADER = 150
CONTEXT_ELEMENTS = 10
ACTIONS_ELEMENTS = 25
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
URL = 3000
ID = 255


def block_problems(blocks: Any, *, max_blocks: int = MESSAGE_BLOCKS) -> list[str]:
    """What breaks the limits in ``blocks`` (empty when they are valid)."""
    if not isinstance(blocks, list):
        return ["blocks is not a list"]
    problems = [f"{len(blocks)} blocks (at most {max_blocks})"] if len(blocks) > max_blocks else []
    for index, block in enumerate(blocks):
        problems += [f"block {index}: {problem}" for problem in _block(block)]
    return problems


def _text(obj: Any, limit: int = TEXT) -> list[str]:
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        return ["text object without text"]
    return [f"text of {len(obj['text'])} characters (at most {limit})"] if len(obj["text"]) > limit else []


def _block(block: Any) -> list[str]:
    if not isinstance(block, dict):
        return ["not an object"]
    kind = block.get("type")
    problems = [] if len(str(block.get("block_id", ""))) <= ID else ["block_id too long"]
    if kind == "section":
        problems += _text(block.get("text"))
    elif kind == "header":
        problems += _text(block.get("text"), HEADER)
    elif kind == "context":
        elements = block.get("elements") or []
        if len(elements) > CONTEXT_ELEMENTS:
            problems.append(f"{len(elements)} context elements (at most {CONTEXT_ELEMENTS})")
        for element in elements:
            problems += _text(element)
    elif kind == "actions":
        elements = block.get("elements") or []
        if len(elements) > ACTIONS_ELEMENTS:
            problems.append(f"{len(elements)} actions elements (at most {ACTIONS_ELEMENTS})")
        for element in elements:
            problems += _button(element)
    elif kind != "divider":
        problems.append(f"unknown block type {kind!r}")
    return problems


def _button(element: Any) -> list[str]:
    if not isinstance(element, dict) or element.get("type") != "button":
        return ["not a button"]
    problems = _text(element.get("text"), BUTTON_TEXT)
    if len(str(element.get("value", ""))) > BUTTON_VALUE:
        problems.append("button value too long")
    if len(str(element.get("url", ""))) > URL:
        problems.append("button url too long")
    if len(str(element.get("action_id", ""))) > ID:
        problems.append("action_id too long")
    return problems
