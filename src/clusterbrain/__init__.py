"""clusterbrain: an open-source industry brain (产业大脑) for regional industrial clusters."""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
