"""AWS Step Functions' quotas and field ranges, in one place: the loader raises on the first
violation, ``aslsim validate`` collects them all, and the engine enforces the run-time ones.

Sources: the developer guide's "Step Functions service quotas" page (payload, history, duration
and definition size) and the ASL specification's field ranges.
"""
from __future__ import annotations

PAYLOAD_BYTES = 262_144              # 256 KiB: an execution's input, a state's input and output
MAX_HISTORY_EVENTS = 25_000          # events in a Standard execution's history
DEFINITION_BYTES = 1_048_576         # 1 MiB: the largest definition CreateStateMachine takes
MAX_SECONDS = 99_999_999             # TimeoutSeconds, HeartbeatSeconds, IntervalSeconds, Wait ...
MAX_BATCH_BYTES = PAYLOAD_BYTES      # ItemBatcher MaxInputBytesPerBatch
STANDARD_MAX_DURATION_S = 365 * 24 * 3600   # a Standard execution runs at most a year
EXPRESS_MAX_DURATION_S = 5 * 60             # an Express execution runs at most five minutes
# RedriveExecution (the guide's "Restarting state machine executions with redrive" and
# "Redriving Map Runs"): within 14 days of the stop, with fewer than 24,999 events (room for
# ExecutionRedriven and one more), for executions started on or after 2023-11-15; a Map Run
# may be redriven at most 1000 times
REDRIVABLE_DAYS = 14
REDRIVABLE_EVENTS = MAX_HISTORY_EVENTS - 1
REDRIVE_LAUNCH_MS = 1_700_006_400_000       # 2023-11-15T00:00:00Z
MAX_MAP_RUN_REDRIVES = 1000
