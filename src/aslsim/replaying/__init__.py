"""``aslsim replay``: run a definition with the answers a recorded execution got from the outside
world, and compare the two histories event by event (see docs/replay.md)."""
from .compare import Divergence
from .reading import HistoryError, RecordedHistory, read_history
from .replayer import replay
from .result import ReplayResult

__all__ = ["replay", "ReplayResult", "Divergence", "HistoryError", "RecordedHistory", "read_history"]
