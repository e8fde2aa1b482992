"""Metrics engine: specialization, concentration, economic complexity, relatedness, opportunities, dynamics.

Pure NumPy/SciPy kernels on matrices with regions as rows and industries as columns. They
take arrays, sparse arrays or labelled DataFrames (labels in, labels out) and never touch
files or the workspace.
"""

from __future__ import annotations
