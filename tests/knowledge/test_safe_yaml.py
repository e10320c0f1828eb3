"""YAML with limits: an alias bomb fails fast, naming the file and line; ordinary YAML loads."""

from __future__ import annotations

import time

import pytest

from knowledge.safe_yaml import YamlError, load_yaml
from tests.knowledge.poison import ALIAS_BOMB


def test_an_alias_bomb_fails_fast_naming_the_file() -> None:
    assert len(ALIAS_BOMB.encode()) < 400
    started = time.perf_counter()
    with pytest.raises(YamlError) as caught:
        load_yaml(ALIAS_BOMB, source="funding/bomb.yaml")
    assert time.perf_counter() - started < 0.5
    assert str(caught.value).startswith("funding/bomb.yaml:1: ") and "alias bomb" in str(caught.value)


def test_too_many_aliases_are_refused_naming_the_anchor() -> None:
    text = "a: &a x\nlist:\n" + "".join("  - *a\n" for _ in range(20))
    with pytest.raises(YamlError) as caught:
        load_yaml(text, source="x.yaml", max_aliases=10)
    assert caught.value.line == 1 and "more than 10 aliases" in caught.value.problem


def test_a_recursive_alias_is_refused() -> None:
    with pytest.raises(YamlError, match="refers to itself"):
        load_yaml("a: &a [1, *a]\n", source="loop.yaml")


def test_ordinary_yaml_with_a_few_aliases_loads() -> None:
    data = load_yaml("base: &b {x: 1}\none: *b\ntwo: *b\n", source="ok.yaml")
    assert data == {"base": {"x": 1}, "one": {"x": 1}, "two": {"x": 1}}
    assert load_yaml("", source="empty.yaml") is None


def test_malformed_yaml_names_the_line_of_the_broken_construct() -> None:
    with pytest.raises(YamlError) as caught:
        load_yaml("programme: X\nurl: https://x\nbudget: [open\n", source="bad.yaml")
    assert caught.value.line == 3 and caught.value.problem.startswith("malformed YAML")


def test_unsafe_tags_are_refused() -> None:
    with pytest.raises(YamlError):
        load_yaml("x: !!python/object/apply:os.system ['true']\n", source="tag.yaml")
