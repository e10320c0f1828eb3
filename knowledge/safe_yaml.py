"""YAML from files anyone may edit: safe types only, with limits on aliases and on expanded size.

PyYAML's ``safe_load`` refuses arbitrary objects but not an alias bomb: nine anchors of nine aliases
each take a few hundred bytes and expand to 9⁹ strings as soon as anything walks the result (the
loader shares the nodes, so ``safe_load`` itself returns quickly; printing or indexing the value
does not). ``load_yaml`` counts the aliases and the nodes the document would expand to on the
composed graph, before constructing anything, so such a file fails in milliseconds with an error
naming it.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_ALIASES = 100
MAX_EXPANDED_NODES = 100_000
# The C parser is ~5x faster than the pure-Python one; both compose the same node graph.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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


def _line(error: yaml.YAMLError) -> int | None:
    # The context mark is where the broken construct starts ("budget: [open"); the problem mark is
    # often only where YAML gave up (the end of the file), so the context is the line to show.
    mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
    return mark.line + 1 if mark is not None else None


def _check_limits(root: yaml.Node, *, max_aliases: int, max_nodes: int) -> None:
    """Count aliases and the nodes the document expands to, on the composed graph.

    An alias is a second reference to a node already met; shared nodes are sized once (memoised by
    identity), so this is linear in the composed graph however large the expansion would be.

    Raises:
        YamlError: Without its source (the caller adds it).
    """
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()
    aliases = 0

    def size(node: yaml.Node) -> int:
        nonlocal aliases
        key = id(node)
        if key in sizes:
            aliases += 1
            if aliases > max_aliases:
                line = node.start_mark.line + 1
                raise YamlError("", f"more than {max_aliases} aliases: refused as an alias bomb", line)
            return sizes[key]
        if key in in_progress:
            raise YamlError("", "an alias refers to itself (recursive structure)", node.start_mark.line + 1)
        in_progress.add(key)
        total = 1
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        for child in children:
            total += size(child)
            if total > max_nodes:
                problem = f"expands to more than {max_nodes:,} values (aliases copied out)"
                raise YamlError("", problem + ": refused as an alias bomb", root.start_mark.line + 1)
        in_progress.discard(key)
        sizes[key] = total
        return total

    size(root)


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
    return load_yaml_node(text, source=source, max_aliases=max_aliases, max_nodes=max_nodes)[1]


def load_yaml_node(
    text: str,
    *,
    source: str,
    max_aliases: int = MAX_ALIASES,
    max_nodes: int = MAX_EXPANDED_NODES,
) -> tuple[yaml.Node | None, Any]:
    """``load_yaml`` (the same arguments), also returning the composed node (its marks give lines).

    Returns:
        The root node and the parsed value (None and None for an empty document).

    Raises:
        YamlError: Malformed YAML, several documents, or a limit exceeded; with the line when known.
    """
    # libyaml parses and composes (a shared graph, cheap even for a bomb); limits are checked on
    # that graph before Python objects are built.
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        _check_limits(node, max_aliases=max_aliases, max_nodes=max_nodes)
        return node, loader.construct_document(node)
    except YamlError as error:  # a limit, raised without the source deep inside the loader
        raise YamlError(source, error.problem, error.line) from None
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or str(error)
        raise YamlError(source, f"malformed YAML: {problem}", _line(error)) from None
    except RecursionError:
        raise YamlError(source, "nested too deeply") from None
    finally:
        loader.dispose()
