"""Firm services of the industry brain: health checks, 亩均 evaluation, 专精特新 screening, policy matching."""
