"""Supply networks and resilience: firm-network indicators, shock propagation, input–output analysis.

An engine: arrays, sparse matrices and frames in, frozen result dataclasses out; no I/O.
Import the public functions from their modules (``clusterbrain.network.shock``,
``clusterbrain.network.sector``, ``clusterbrain.network.graph``, ``clusterbrain.network.risks``).
"""
