"""Service integrations: what answers a Task. The engine only talks to ``ServiceRouter``."""
