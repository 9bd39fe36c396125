"""Barriers a sandbox test shares with the handler files it loads (a module the test imported
first is shared with handlers, not the function's own)."""
inside = leaving = None
