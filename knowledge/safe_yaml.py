"""YAML from files anyone may edit: safe types only, with limits on aliases and on expanded size.

PyYAML's ``safe_load`` refuses arbitrary objects but not an alias bomb: nine anchors of nine aliases
each take a few hundred bytes and expand to 9⁹ strings as soon as anything walks the result (the
loader shares the nodes, so ``safe_load`` itself returns quickly; printing or indexing the value
does not). ``load_yaml`` counts aliases while composing and the nodes the document would expand to
before constructing anything, so such a file fails in milliseconds with an error naming it.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_ALIASES = 100
MAX_EXPANDED_NODES = 100_000


class YamlError(ValueError):
    """A YAML text that is malformed or exceeds the limits; ``line`` is 1-based when known.

    Attributes:
        source: Where the text came from (a file path), named in the message.
        problem: What is wrong, without the source.
        line: The line to look at, or None.
    """

    def __init__(self, source: str, problem: str, line: int | None = None) -> None:
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {problem}")
        self.source = source
        self.problem = problem
        self.line = line


class _LimitedLoader(yaml.SafeLoader):
    """A SafeLoader that refuses documents with too many aliases."""

    max_aliases = MAX_ALIASES

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.aliases_seen = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            self.aliases_seen += 1
            if self.aliases_seen > self.max_aliases:
                line = self.peek_event().start_mark.line + 1
                raise YamlError("", f"more than {self.max_aliases} aliases: refused as an alias bomb", line)
        return super().compose_node(parent, index)


def _line(error: yaml.YAMLError) -> int | None:
    # The context mark is where the broken construct starts ("budget: [open"); the problem mark is
    # often only where YAML gave up (the end of the file), so the context is the line to show.
    mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
    return mark.line + 1 if mark is not None else None


def _expanded_size(root: yaml.Node, limit: int) -> int:
    """Nodes the document expands to when every alias is copied out; stops counting past ``limit``.

    Shared nodes are sized once (memoised by identity), so this is linear in the composed graph
    however large the expansion would be.
    """
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in in_progress:
            raise YamlError("", "an alias refers to itself (recursive structure)", node.start_mark.line + 1)
        in_progress.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            for child in node.value:
                total += size(child)
                if total > limit:
                    break
        elif isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                total += size(key_node) + size(value_node)
                if total > limit:
                    break
        in_progress.discard(key)
        sizes[key] = total
        return total

    return size(root)


def load_yaml(
    text: str,
    *,
    source: str,
    max_aliases: int = MAX_ALIASES,
    max_nodes: int = MAX_EXPANDED_NODES,
) -> Any:
    """Parse one YAML document with safe types, refusing alias bombs and oversized structures.

    Args:
        text: The YAML text.
        source: Where it comes from (a file path), for the error message.
        max_aliases: Most aliases (``*name``) allowed in the document.
        max_nodes: Most scalars, lists and mappings the document may expand to, aliases copied out.

    Returns:
        The parsed value (None for an empty document).

    Raises:
        YamlError: Malformed YAML, several documents, or a limit exceeded; with the line when known.
    """
    loader = _LimitedLoader(text)
    loader.max_aliases = max_aliases
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node, max_nodes) > max_nodes:
            raise YamlError(
                source,
                f"expands to more than {max_nodes:,} values (aliases copied out): refused as an alias bomb",
                node.start_mark.line + 1,
            )
        return loader.construct_document(node)
    except YamlError as error:  # a limit, raised without the source deep inside the loader
        raise YamlError(source, error.problem, error.line) from None
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or str(error)
        raise YamlError(source, f"malformed YAML: {problem}", _line(error)) from None
    except RecursionError:
        raise YamlError(source, "nested too deeply") from None
    finally:
        loader.dispose()
