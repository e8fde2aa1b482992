"""Small binary matrices with known structure, shared by the complexity and relatedness tests."""

from __future__ import annotations

import numpy as np

# Perfectly nested: region r is specialised in industries 0 .. 3 - r.
NESTED = np.array([[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0]], dtype=float)


def random_m(seed: int, shape: tuple[int, int] = (40, 25), p: float = 0.3) -> np.ndarray:
    """A random binary matrix with no empty row or column."""
    rng = np.random.default_rng(seed)
    M = (rng.random(shape) < p).astype(float)
    M[np.arange(shape[0]), rng.integers(0, shape[1], shape[0])] = 1
    M[rng.integers(0, shape[0], shape[1]), np.arange(shape[1])] = 1
    return M


def bridged_blocks() -> np.ndarray:
    """Two dense blocks joined by one cell: lambda_2 = 0.877 far above lambda_3 = 0.113."""
    M = np.zeros((7, 7))
    M[:4, :4] = 1
    M[4:, 4:] = 1
    M[0, 4] = 1
    M[3, 2] = 0
    M[5, 6] = 0
    return M
