"""One module per family of checks; each exposes ``check(tree, findings)``."""
