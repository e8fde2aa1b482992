"""``python -m clusterbrain`` runs the command line."""

from clusterbrain.cli.main import run

run()
