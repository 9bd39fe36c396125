"""The benchmark workflows: definitions as Python dicts, with their inputs, mocks and expected outputs.

Each ``Case`` carries everything ``bench/run.py`` needs to time one workflow and to check that
the run it timed was a correct one (status SUCCEEDED and the output computed here in plain
Python). Nothing here imports aslsim: the definitions are plain ASL.

    pass_chain      (a) 100 Pass states, each with Parameters (two ``.$`` paths) and a ResultPath
    choice_loop     (b) Pass with States.MathAdd + Choice NumericLessThan, 1,000 iterations
    map_10k         (c) inline Map of 10,000 items, ItemSelector with $$.Map.Item.Index/Value
    retry_map       (d) Map of 50 items, MaxConcurrency 1, each Task throws 5 times then returns
    peer_workflow   (e) the peers' workflow (a) of ../shared/research/PEERS.md
    car_lookup      (f) the JSONata car-lookup example (8 Assigns, a Choice Condition)
    jsonata_chain   (g) (a)'s data work in JSONata: 100 Pass states, one Output expression each
"""
from __future__ import annotations

import json
from pathlib import Path
from dataclasses import dataclass, field
from typing import Any, Callable

LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke"


@dataclass
class Case:
    key: str
    title: str
    definition: dict
    input: Any
    expected: Any                       # the execution's output, computed in plain Python
    mocks: dict | None = None
    execution_type: str = "STANDARD"
    repeat: int = 100                   # timed runs (full mode)
    quick_repeat: int = 10              # timed runs (--quick)
    warmup: int = 3
    note: str = ""
    check: Callable | None = None       # extra assertions on the Execution (calls, virtual time)
    extra: dict = field(default_factory=dict)


# --- (a) a chain of 100 Pass states -----------------------------------------------------------

PASS_CHAIN_LENGTH = 100


def pass_chain() -> Case:
    states = {}
    for i in range(PASS_CHAIN_LENGTH):
        state = {"Type": "Pass",
                 "Parameters": {"step": i, "prev.$": "$.last.step", "name.$": "$.name"},
                 "ResultPath": "$.last"}
        if i == PASS_CHAIN_LENGTH - 1:
            state["End"] = True
        else:
            state["Next"] = f"Step{i + 1:03d}"
        states[f"Step{i:03d}"] = state
    definition = {"Comment": "bench (a): 100 Pass states with Parameters and ResultPath",
                  "StartAt": "Step000", "States": states}
    data = {"name": "bench", "last": {"step": -1}, "payload": {"k": list(range(20))}}
    expected = dict(data, last={"step": PASS_CHAIN_LENGTH - 1, "prev": PASS_CHAIN_LENGTH - 2,
                                "name": "bench"})
    return Case("pass_chain", "(a) Pass chain x100", definition, data, expected,
                repeat=300, quick_repeat=30)


# --- (b) a Choice loop of 1,000 iterations ----------------------------------------------------

LOOP_ITERATIONS = 1000


def choice_loop() -> Case:
    definition = {
        "Comment": "bench (b): a counter loop, Pass + Choice, 1,000 times round",
        "StartAt": "Increment",
        "States": {
            "Increment": {"Type": "Pass",
                          "Parameters": {"i.$": "States.MathAdd($.i, 1)", "limit.$": "$.limit"},
                          "Next": "Again?"},
            "Again?": {"Type": "Choice",
                       "Choices": [{"Variable": "$.i", "NumericLessThanPath": "$.limit",
                                    "Next": "Increment"}],
                       "Default": "Done"},
            "Done": {"Type": "Succeed"},
        },
    }
    # NumericLessThanPath compares with $.limit; the literal form is exercised by (e)'s Choice.
    data = {"i": 0, "limit": LOOP_ITERATIONS}
    return Case("choice_loop", "(b) Choice loop x1,000", definition, data,
                {"i": LOOP_ITERATIONS, "limit": LOOP_ITERATIONS}, repeat=40, quick_repeat=5)


# --- (c) an inline Map of 10,000 items --------------------------------------------------------

MAP_ITEMS = 10_000


def map_10k() -> Case:
    definition = {
        "Comment": "bench (c): inline Map over 10,000 items with an ItemSelector",
        "StartAt": "EachItem",
        "States": {
            "EachItem": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemSelector": {"index.$": "$$.Map.Item.Index", "value.$": "$$.Map.Item.Value",
                                 "batch.$": "$.batch"},
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "INLINE"},
                    "StartAt": "Echo",
                    "States": {"Echo": {"Type": "Pass",
                                        "Parameters": {"i.$": "$.index", "v.$": "$.value"},
                                        "End": True}},
                },
                "End": True,
            }
        },
    }
    # Plain numbers keep the input and the output under AWS's 256 KiB payload limit.
    items = [3 * i for i in range(MAP_ITEMS)]
    data = {"batch": "b-1", "items": items}
    expected = [{"i": i, "v": 3 * i} for i in range(MAP_ITEMS)]
    # 10,000 iterations make 4 events each: past the 25,000-event history of a STANDARD
    # execution, which AWS (and aslsim) fail with States.Runtime. EXPRESS has no such limit.
    return Case("map_10k", "(c) Map x10,000 (EXPRESS)", definition, data, expected,
                execution_type="EXPRESS", repeat=10, quick_repeat=2, warmup=1,
                note="EXPRESS: its 40,006 events exceed STANDARD's 25,000-event history limit")


# --- (d) a Retry-heavy Task in a Map of 50 ----------------------------------------------------

RETRY_ITEMS = 50
RETRY_FAILURES = 5


def retry_map() -> Case:
    definition = {
        "Comment": "bench (d): every item's Task fails 5 times before it succeeds",
        "StartAt": "EachItem",
        "States": {
            "EachItem": {
                "Type": "Map",
                "ItemsPath": "$.items",
                # One iteration at a time, so that the shared mock list (consumed in call order)
                # answers each iteration throw x5 then return: the retries of one iteration are
                # consecutive calls. With concurrency the timers interleave the iterations.
                "MaxConcurrency": 1,
                "ItemProcessor": {
                    "StartAt": "CallFlaky",
                    "States": {
                        "CallFlaky": {
                            "Type": "Task",
                            "Resource": LAMBDA_INVOKE,
                            "Parameters": {"FunctionName": "flaky",
                                           "Payload": {"item.$": "$",
                                                       "attempt.$": "$$.State.RetryCount"}},
                            "ResultSelector": {"ok.$": "$.Payload.ok"},
                            "ResultPath": "$.result",
                            "Retry": [{"ErrorEquals": ["Lambda.TooManyRequestsException"],
                                       "IntervalSeconds": 1, "MaxAttempts": RETRY_FAILURES,
                                       "BackoffRate": 2.0, "MaxDelaySeconds": 8,
                                       "JitterStrategy": "FULL"}],
                            "End": True,
                        }
                    },
                },
                "End": True,
            }
        },
    }
    throw = {"throw": {"Error": "Lambda.TooManyRequestsException", "Cause": "Rate exceeded"}}
    ok = {"return": {"StatusCode": 200, "Payload": {"ok": True}}}
    mocks = {"CallFlaky": ([throw] * RETRY_FAILURES + [ok]) * RETRY_ITEMS}
    items = [{"n": i} for i in range(RETRY_ITEMS)]
    expected = [{"n": i, "result": {"ok": True}} for i in range(RETRY_ITEMS)]

    def check(ex):
        calls = ex.calls
        assert len(calls) == RETRY_ITEMS * (RETRY_FAILURES + 1), len(calls)
        attempts = [c["parameters"]["Payload"]["attempt"] for c in calls]
        assert attempts == list(range(RETRY_FAILURES + 1)) * RETRY_ITEMS, attempts[:12]
        # backoff 1, 2, 4, 8, 8 (capped) s per item before jitter: FULL jitter draws below that
        waited = ex.stop_ms - ex.start_ms
        assert 0 < waited <= RETRY_ITEMS * (1 + 2 + 4 + 8 + 8) * 1000, waited

    return Case("retry_map", "(d) Retry x5 in Map x50", definition, {"items": items}, expected,
                mocks=mocks, repeat=100, quick_repeat=10, check=check,
                note="300 Task calls, 250 retries with FULL jitter on virtual time")


# --- (e) the peers' workflow (a) ---------------------------------------------------------------

ORDER_ITEMS = 100


def peer_workflow() -> Case:
    """PEERS.md's workflow (a): JSONPath Task + Retry/Catch + Choice + Wait 3600 s + Parallel with
    intrinsics + Map of 100 with ItemSelector. PEERS.md describes it in one line; this is our
    reading of it, with the one Task answered by mocks (a throttle, then the order)."""
    definition = {
        "Comment": "bench (e): the workflow (a) every peer tool was timed on",
        "StartAt": "FetchOrder",
        "States": {
            "FetchOrder": {
                "Type": "Task",
                "Resource": LAMBDA_INVOKE,
                "Parameters": {"FunctionName": "fetch-order",
                               "Payload": {"orderId.$": "$.orderId", "requestedBy.$": "$.user"}},
                "ResultSelector": {"order.$": "$.Payload"},
                "ResultPath": "$.fetched",
                "Retry": [{"ErrorEquals": ["Lambda.TooManyRequestsException",
                                           "Lambda.ServiceException"],
                           "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 2.0}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error",
                           "Next": "ReportFailure"}],
                "Next": "IsReady?",
            },
            "IsReady?": {
                "Type": "Choice",
                "Choices": [{"And": [{"Variable": "$.fetched.order.status", "StringEquals": "READY"},
                                     {"Variable": "$.fetched.order.count", "NumericGreaterThan": 0}],
                             "Next": "WaitAnHour"}],
                "Default": "NotReady",
            },
            "NotReady": {"Type": "Fail", "Error": "Order.NotReady", "Cause": "the order is not ready"},
            "ReportFailure": {"Type": "Pass", "Parameters": {"failed": True, "error.$": "$.error.Error"},
                              "End": True},
            "WaitAnHour": {"Type": "Wait", "Seconds": 3600, "Next": "Prepare"},
            "Prepare": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "Summarize",
                     "States": {"Summarize": {
                         "Type": "Pass",
                         "Parameters": {
                             "title.$": "States.Format('Order {} for {} has {} items', "
                                        "$.orderId, $.user, $.fetched.order.count)",
                             "batches.$": "States.ArrayPartition($.fetched.order.skus, 25)"},
                         "End": True}}},
                    {"StartAt": "Stamp",
                     "States": {"Stamp": {
                         "Type": "Pass",
                         "Parameters": {
                             "key.$": "States.Format('{}/{}', $$.Execution.Name, $.orderId)",
                             "skuCount.$": "States.ArrayLength($.fetched.order.skus)",
                             "next.$": "States.MathAdd($.fetched.order.count, 1)"},
                         "End": True}}},
                ],
                "ResultSelector": {"summary.$": "$[0]", "stamp.$": "$[1]"},
                "ResultPath": "$.prepared",
                "Next": "PriceLines",
            },
            "PriceLines": {
                "Type": "Map",
                "ItemsPath": "$.fetched.order.items",
                "MaxConcurrency": 10,
                "ItemSelector": {"index.$": "$$.Map.Item.Index", "line.$": "$$.Map.Item.Value",
                                 "orderId.$": "$.orderId"},
                "ItemProcessor": {
                    "StartAt": "PriceLine",
                    "States": {"PriceLine": {
                        "Type": "Pass",
                        "Parameters": {"ref.$": "States.Format('{}-{}', $.orderId, $.index)",
                                       "sku.$": "$.line.sku", "qty.$": "$.line.qty"},
                        "End": True}},
                },
                "ResultPath": "$.lines",
                "Next": "Summary",
            },
            "Summary": {
                "Type": "Pass",
                "Parameters": {"orderId.$": "$.orderId", "title.$": "$.prepared.summary.title",
                               "batches.$": "$.prepared.summary.batches",
                               "key.$": "$.prepared.stamp.key", "lines.$": "$.lines"},
                "End": True,
            },
        },
    }
    data = {"orderId": "o-42", "user": "ana"}
    mocks = {"FetchOrder": [
        {"throw": {"Error": "Lambda.TooManyRequestsException", "Cause": "Rate exceeded"}},
        {"return": {"StatusCode": 200, "Payload": order_payload(data["orderId"])}},
    ]}
    expected = handwritten_peer_workflow(data, mocks["FetchOrder"][1]["return"], EXECUTION_NAME)

    def check(ex):
        assert [c["state"] for c in ex.calls] == ["FetchOrder", "FetchOrder"]
        # the Wait is 3,600 s of virtual time, the retry 2 s: never real time
        assert ex.stop_ms - ex.start_ms == 3_602_000, ex.stop_ms - ex.start_ms

    return Case("peer_workflow", "(e) peers' workflow (a)", definition, data, expected,
                mocks=mocks, repeat=300, quick_repeat=30, check=check,
                extra={"name": EXECUTION_NAME})


EXECUTION_NAME = "bench-e"


def order_payload(order_id: str) -> dict:
    items = [{"sku": f"sku-{i:03d}", "qty": 1 + i % 4, "price": 2.5 * (i % 9)}
             for i in range(ORDER_ITEMS)]
    return {"orderId": order_id, "status": "READY", "count": len(items),
            "skus": [item["sku"] for item in items], "items": items}


def handwritten_peer_workflow(data: dict, response: dict, execution_name: str) -> dict:
    """The data work of (e) written by hand: the floor an interpreter can approach (PEERS.md's
    0.2 ms). Also the expected output of the benchmark."""
    order = response["Payload"]
    state = dict(data, fetched={"order": order})
    if not (order["status"] == "READY" and order["count"] > 0):
        raise RuntimeError("not ready")
    skus = order["skus"]
    summary = {"title": f"Order {data['orderId']} for {data['user']} has {order['count']} items",
               "batches": [skus[i:i + 25] for i in range(0, len(skus), 25)]}
    stamp = {"key": f"{execution_name}/{data['orderId']}", "skuCount": len(skus),
             "next": order["count"] + 1}
    state = dict(state, prepared={"summary": summary, "stamp": stamp})
    lines = [{"ref": f"{state['orderId']}-{i}", "sku": line["sku"], "qty": line["qty"]}
             for i, line in enumerate(order["items"])]
    state = dict(state, lines=lines)
    return {"orderId": state["orderId"], "title": summary["title"], "batches": summary["batches"],
            "key": stamp["key"], "lines": lines}


# --- (f) JSONata with variables: the car-lookup example (8 Assigns, $now(), typed items) ------

REPO = Path(__file__).resolve().parents[1]


def car_lookup() -> Case:
    fixtures = REPO / "fixtures" / "car_lookup"
    definition = json.loads((REPO / "statemachines" / "car_lookup.asl.json").read_text())
    mocks = json.loads((fixtures / "mocks.json").read_text())
    data = json.loads((fixtures / "input_ford.json").read_text())
    # the workflow ends by returning SNS's publish response, as the example describes
    expected = mocks["SNS Publish: Success"]["return"]
    return Case("car_lookup", "(f) car lookup, JSONata", definition, data, expected, mocks=mocks,
                repeat=300, quick_repeat=30)


# --- (g) (a) written in JSONata -------------------------------------------------------------------

def jsonata_chain() -> Case:
    """The same data work as (a), state for state, in JSONata: each Pass merges ``last`` into
    its input, as (a)'s ResultPath does. Per transition, (g) against (a) is what a JSONata
    state costs beside a JSONPath one."""
    states = {}
    for i in range(PASS_CHAIN_LENGTH):
        state = {"Type": "Pass",
                 "Output": "{% $merge([$states.input, {'last': {'step': " + str(i) + ", "
                           "'prev': $states.input.last.step, 'name': $states.input.name}}]) %}"}
        if i == PASS_CHAIN_LENGTH - 1:
            state["End"] = True
        else:
            state["Next"] = f"Step{i + 1:03d}"
        states[f"Step{i:03d}"] = state
    definition = {"Comment": "bench (g): (a) in JSONata", "QueryLanguage": "JSONata",
                  "StartAt": "Step000", "States": states}
    case = pass_chain()
    return Case("jsonata_chain", "(g) JSONata chain x100", definition, case.input, case.expected,
                repeat=100, quick_repeat=10)


CASES = [pass_chain, choice_loop, map_10k, retry_map, peer_workflow, car_lookup, jsonata_chain]


def all_cases() -> list[Case]:
    return [make() for make in CASES]
