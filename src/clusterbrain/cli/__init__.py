"""Command-line interface: presents store and workflow results; computes nothing itself."""
