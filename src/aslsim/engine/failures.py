"""How a state's failure is worded and recorded, where it happened."""
from __future__ import annotations

from ..errors import PayloadTooLarge, StatesError


def failed(ctx, err: StatesError) -> StatesError:
    """Word ``err`` as AWS does for this state and record its EvaluationFailed event (JSONata);
    returns the settled error, which the states around this one pass on unchanged."""
    if isinstance(err, PayloadTooLarge):
        err = data_limit(ctx.state.name)
    worded = err.worded(ctx.state.name, ctx.entered_id)
    location = worded.location
    if location is not None:
        details = {"error": worded.error, "cause": worded.cause, "location": location,
                   "state": ctx.state.name}
        if not location:
            del details["location"]    # recorded: a check of the whole input names no field
        recorder = ctx.run.recorder
        recorder.add("EvaluationFailed", ctx.entered_id if worded.after_entered else ctx.entered_prev,
                     details, ctx.frame.thread)
        ctx.frame.prev = len(recorder)
    return worded.settled()


def data_limit(name: str) -> StatesError:
    """A state's payload over the 256 KiB limit, in AWS's words for a task result (recorded),
    which AWS uses for a state's result too."""
    return StatesError("States.DataLimitExceeded",
                       f"The state/task '{name}' returned a result with a size exceeding the maximum "
                       "number of bytes service limit.")
