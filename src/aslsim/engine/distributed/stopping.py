"""Stopping a Distributed Map's child executions: all of those still running when their Map Run
ends early (its parent stopped, timed out or aborted, or the run failed), or one alone when
StopExecution names it. Either way the child ends as StopExecution ends an execution: ABORTED,
its open states getting no event, its history ending with ExecutionAborted after event 0
(recorded for StopExecution; documented: "aborted" children were "stopped by the user or by Step
Functions because the Map Run failed"). An Express child its parent's early end would stop goes
on instead (``Stoppable.outlives_parent``; documented: the Map Run waits for them).
"""
from __future__ import annotations


class ChildStopped(GeneratorExit):
    """Thrown into a child that StopExecution stops (with its error and cause, if given): a
    GeneratorExit, so that its open states end as when it is closed (no event, the state it
    stopped in kept for a redrive); the child's own code catches it and ends ABORTED."""

    def __init__(self, error: str | None, cause: str | None):
        super().__init__(error, cause)
        self.error, self.cause = error, cause
        self.details = {k: v for k, v in (("error", error), ("cause", cause)) if v is not None}


def stop_child(run, execution_arn: str, error: str | None = None, cause: str | None = None) -> bool:
    """StopExecution of a running child of one of ``run``'s Map Runs: it ends ABORTED (its open
    states get no event), counted as a child that did not succeed (documented: "aborted" children
    were "stopped by the user"); False when no running child has that ARN."""
    for map_run in run.map_runs:
        for child in map_run.children:
            if child is not None and child.execution_arn == execution_arn and child.status == "RUNNING":
                return child.stopper is not None and child.stopper.stop(run.scheduler, error, cause)
    return False


class Stoppable:
    """A child execution as a task of the parent's scheduler. Closed, it is stopped the way
    StopExecution stops an execution (the Map Run stops its running children when its parent is
    stopped, times out or is aborted, or when it fails: documented), so its open states get no
    event, which its walker knows only if told before it is closed: ``close`` says so first.
    ``send`` and ``throw`` are the generator's own, so stepping it costs nothing more."""

    __slots__ = ("send", "throw", "_gen", "child_run")

    def __init__(self, make, *args):
        self.child_run = None           # the child's Run, once it has one
        self._gen = gen = make(*args, stop=self)
        self.send, self.throw = gen.send, gen.throw

    @property
    def outlives_parent(self) -> bool:
        """An Express child that has started goes on to its end when its Map Run ends early
        (documented: the run waits "for child workflow executions of Express type to complete");
        the scheduler leaves it running instead of closing it (Scheduler.run_outliving)."""
        run = self.child_run
        return run is not None and run.identity.express

    def close(self) -> None:
        if self.child_run is not None:
            self.child_run.stopping = True
        self._gen.close()

    def stop(self, scheduler, error: str | None, cause: str | None) -> bool:
        """Stop this child alone (StopExecution of its ARN), wherever it waits."""
        stopped = ChildStopped(error, cause)
        self.child_run.stopping, self.child_run.stop_details = True, stopped.details
        return scheduler.interrupt(self, stopped)
