"""Cut vertices of an undirected graph and the pieces their removal leaves, from the block–cut tree."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse import csgraph

__all__ = ["cut_vertices"]


def cut_vertices(graph: nx.Graph) -> pd.DataFrame:
    """Articulation points of ``graph`` (integer nodes) with ``component_size``, ``pieces`` and ``separated``.

    The block–cut tree has a node per biconnected block (weight: its vertices that are not
    cut vertices) and per cut vertex (weight 1), joined when the vertex is in the block. Rooted
    at a virtual root joined to one node of each tree, the subtree weight of a block child of
    cut vertex :math:`c` is the size of one piece left by removing :math:`c`; the rest of the
    component (its size − 1 − :math:`c`'s subtree) is one more piece when not empty.
    """
    columns = ["code", "component_size", "pieces", "separated"]
    cuts = np.fromiter(nx.articulation_points(graph), dtype=np.int64)
    if len(cuts) == 0:
        return pd.DataFrame({c: pd.Series(dtype=np.int64) for c in columns})
    cuts = np.unique(cuts)
    blocks = list(nx.biconnected_components(graph))
    sizes = np.fromiter((len(b) for b in blocks), dtype=np.int64, count=len(blocks))
    members = np.fromiter(itertools.chain.from_iterable(blocks), dtype=np.int64, count=int(sizes.sum()))
    block_of = np.repeat(np.arange(len(blocks)), sizes)
    is_cut = np.isin(members, cuts)
    n_b, n_c = len(blocks), len(cuts)
    root = n_b + n_c
    weight = np.zeros(root + 1, dtype=np.int64)
    weight[:n_b] = np.bincount(block_of[~is_cut], minlength=n_b)
    weight[n_b:root] = 1

    tb = block_of[is_cut]
    tc = n_b + np.searchsorted(cuts, members[is_cut])
    tree = sparse.coo_array((np.ones(len(tb)), (tb, tc)), shape=(root + 1, root + 1)).tocsr()
    _, label = csgraph.connected_components(tree[:root, :root], directed=False)
    first = np.unique(label, return_index=True)[1]
    tree = (tree + sparse.coo_array((np.ones(len(first)), (np.full(len(first), root), first)), tree.shape)).tocsr()
    depth = csgraph.shortest_path(tree, directed=False, unweighted=True, indices=root)
    _, pred = csgraph.breadth_first_order(tree, root, directed=False, return_predecessors=True)

    sub = weight.astype(np.int64)
    level = depth.astype(np.int64)
    for d in range(int(level.max()), 0, -1):  # one vectorised step per tree level, deepest first
        at = np.flatnonzero(level == d)
        np.add.at(sub, pred[at], sub[at])
    total = sub[first][label[n_b:root]]

    children = np.flatnonzero((pred[:n_b] >= n_b) & (pred[:n_b] < root))  # blocks hanging below a cut vertex
    parent = pred[children] - n_b
    n_child = np.bincount(parent, minlength=n_c)
    max_child = np.zeros(n_c, dtype=np.int64)
    np.maximum.at(max_child, parent, sub[children])
    rest = total - sub[n_b:root]
    pieces = n_child + (rest > 0)
    separated = total - 1 - np.maximum(max_child, rest)
    return pd.DataFrame(
        {"code": cuts, "component_size": total, "pieces": pieces.astype(np.int64), "separated": separated}
    )
