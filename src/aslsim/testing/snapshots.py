"""pytest plugin: execution snapshots (--aslsim-snapshot-update)."""
