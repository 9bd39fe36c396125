"""Task: one service call per attempt, under the attempt driver (Retry, Catch).

An attempt resolves the Parameters/Arguments (a fresh task token first, for
``.waitForTaskToken``), TimeoutSeconds and HeartbeatSeconds, makes the call (``task_call``),
and shapes the result (Assign, ResultSelector, ResultPath/Output, OutputPath).
"""
from __future__ import annotations

from ...services.api_models import parameters_always_accepted
from ...services.calls import TaskCall
from ...services.resources import describe_resource
from ..attempts import run_attempts
from ..values import task_seconds
from ..sizes import checked_input
from .task_call import TaskEvents, call_service


def prepare(plan) -> None:
    state = plan.state
    plan.resource = describe_resource(state.resource)
    plan.events = TaskEvents(plan.resource)
    plan.timeout = task_seconds(state.timeout_seconds, "TimeoutSeconds")
    plan.heartbeat = task_seconds(state.heartbeat_seconds, "HeartbeatSeconds")
    plan.arguments_step = "afterArguments" if plan.flow.jsonata else "afterParameters"
    # the API model's check of the parameters, when it cannot fail, is made here once
    plan.parameters_checked = parameters_always_accepted(plan.resource, plan.flow.parameters)


def execute(ctx):
    return (yield from run_attempts(ctx, attempt, counts_retries=True))


def attempt(ctx):
    plan = ctx.plan
    run = ctx.run
    if plan.resource.pattern == ".waitForTaskToken":
        ctx.task_token = run.seeds.new_task_token()
        ctx.refresh()
    parameters = plan.flow.arguments(ctx)
    if ctx.inspect is not None:
        ctx.inspect(plan.arguments_step, parameters)
    checked_input(ctx, parameters, plan.flow.parameters)   # the input AWS schedules the task with
    timeout = plan.timeout.resolve(ctx)
    heartbeat = plan.heartbeat.resolve(ctx)
    identity = run.identity
    call = TaskCall(state=plan.name, resource=plan.resource, parameters=parameters,
                    time_ms=run.scheduler.now, attempt=ctx.retry_count, timeout_s=timeout,
                    heartbeat_s=heartbeat, task_token=ctx.task_token,
                    execution_arn=identity.execution_arn, region=identity.region,
                    account=identity.account, role_arn=_role_arn(ctx))
    result = yield from call_service(ctx, call, plan.events)
    if ctx.inspect is not None:
        ctx.inspect("result", result)
    flow = plan.flow
    assigned = flow.assigned(ctx, result, result=result)
    return flow.with_result(ctx, result), ctx.state.next, assigned


def _role_arn(ctx) -> str | None:
    """The role a Task with Credentials is called as: its RoleArn, resolved like the Parameters
    (recorded: TaskScheduled and LambdaFunctionScheduled show it as taskCredentials.roleArn)."""
    credentials = ctx.state.credentials
    if credentials is None:
        return None
    resolved = ctx.plan.flow.arguments(ctx, credentials)
    role = resolved.get("RoleArn") if isinstance(resolved, dict) else None
    return role if isinstance(role, str) else None
