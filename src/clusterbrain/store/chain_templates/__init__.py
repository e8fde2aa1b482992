"""Chain templates shipped with clusterbrain (YAML data; see README.md and schema.json)."""
