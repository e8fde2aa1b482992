"""Reports: figures and documents that present workflow results; no computation lives here."""
