"""Definitions for the graph tests and bench/render.py: a large synthetic machine, hostile names."""
from __future__ import annotations

LAMBDA = "arn:aws:states:::lambda:invoke"


def big_machine(states: int = 200) -> dict:
    """A JSONPath machine of exactly ``states`` states (at least 24) using every state type.

    Segments of 12 states (Task with Retry and Catch, a Choice with And/Not rules and a Default,
    a Parallel of two branches, a Map, a Wait, a join Pass, a handler Pass, a Fail), the last
    segment's join looping back to the first Task, then Pass states up to the count, and a Succeed.
    """
    segments = (states - 1) // 12
    top: dict = {}
    for i in range(segments):
        after = f"Task {i + 1}" if i + 1 < segments else "Pad 0"
        top[f"Task {i}"] = {"Type": "Task", "Resource": LAMBDA, "Next": f"Route {i}",
                            "Retry": [{"ErrorEquals": ["States.Timeout"], "MaxAttempts": 2}],
                            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": f"Handle {i}"}]}
        top[f"Route {i}"] = {"Type": "Choice", "Default": f"Wait {i}", "Choices": [
            {"Variable": "$.size", "NumericGreaterThan": 1048576, "Next": f"Fan out {i}"},
            {"And": [{"Variable": "$.kind", "StringEquals": "list"},
                     {"Not": {"Variable": "$.items", "IsPresent": False}}], "Next": f"Each {i}"}]}
        top[f"Fan out {i}"] = {"Type": "Parallel", "Next": f"Join {i}", "Branches": [
            {"StartAt": f"Left {i}", "States": {f"Left {i}": {"Type": "Task", "Resource": LAMBDA, "End": True}}},
            {"StartAt": f"Right {i}", "States": {f"Right {i}": {"Type": "Pass", "End": True}}}]}
        top[f"Each {i}"] = {"Type": "Map", "ItemsPath": "$.items", "Next": f"Join {i}", "ItemProcessor": {
            "StartAt": f"Shape {i}", "States": {
                f"Shape {i}": {"Type": "Pass", "Next": f"Store {i}"},
                f"Store {i}": {"Type": "Task", "Resource": LAMBDA, "End": True}}}}
        top[f"Wait {i}"] = {"Type": "Wait", "Seconds": 30, "Next": f"Join {i}"}
        if i + 1 == segments:
            top[f"Join {i}"] = {"Type": "Choice", "Default": after, "Choices": [
                {"Variable": "$.again", "BooleanEquals": True, "Next": "Task 0"}]}
        else:
            top[f"Join {i}"] = {"Type": "Pass", "Next": after}
        top[f"Handle {i}"] = {"Type": "Pass", "Next": f"Failed {i}"}
        top[f"Failed {i}"] = {"Type": "Fail", "Error": "Segment", "Cause": f"segment {i} failed"}
    pads = states - 12 * segments - 1
    for p in range(pads):
        top[f"Pad {p}"] = {"Type": "Pass", "Next": f"Pad {p + 1}" if p + 1 < pads else "Done"}
    top["Done"] = {"Type": "Succeed"}
    return {"Comment": f"synthetic, {states} states", "StartAt": "Task 0", "States": top}


# Names that break a careless renderer: quotes, markup, Mermaid and DOT syntax, keywords, unicode.
HOSTILE_NAMES = [
    'say "hi" <b>bold</b> & \'bye\'',
    "end",
    "subgraph",
    "graph",
    "back\\slash \\n not a newline",
    "#35; #quot; entity-looking",
    "|pipe| [square] {curly} (round) ;semi",
    "`tick` --> arrow -.-> dotted",
    "日本語の状態 ✓",
    "]]></svg><script>alert(1)</script>",
]


def hostile_machine() -> dict:
    """Every hostile name as a state: a chain through a Choice, a Parallel and a Map."""
    names = HOSTILE_NAMES
    return {"StartAt": names[0], "States": {
        names[0]: {"Type": "Pass", "Next": names[1]},
        names[1]: {"Type": "Choice", "Default": names[3], "Choices": [
            {"Variable": "$.x", "StringEquals": names[0], "Next": names[2]}]},
        names[2]: {"Type": "Task", "Resource": LAMBDA, "Next": names[3],
                   "Catch": [{"ErrorEquals": ["Custom.\"Error\" <x>"], "Next": names[9]}]},
        names[3]: {"Type": "Parallel", "Next": names[5], "Branches": [
            {"StartAt": names[4], "States": {names[4]: {"Type": "Pass", "End": True}}}]},
        names[5]: {"Type": "Map", "Next": names[7], "ItemProcessor": {
            "StartAt": names[6], "States": {names[6]: {"Type": "Wait", "Seconds": 1, "End": True}}}},
        names[7]: {"Type": "Pass", "Next": names[8]},
        names[8]: {"Type": "Succeed"},
        names[9]: {"Type": "Fail"},
    }}


def random_machine(seed: int) -> dict:
    """A random valid definition: random transitions (cycles included) and nested Parallel/Map."""
    import random
    rng = random.Random(seed)
    counter = iter(range(10_000))

    def graph(depth: int) -> dict:
        names = [f"S{next(counter)}" for _ in range(rng.randint(1, 9 if depth == 0 else 4))]
        states = {}
        for name in names:
            kinds = ["Pass", "Task", "Choice", "Wait", "Succeed", "Fail"]
            if depth < 2:
                kinds += ["Parallel", "Map"]
            kind = rng.choice(kinds)
            body: dict = {"Type": kind}
            if kind == "Choice":
                body["Choices"] = [{"Variable": "$.v", "NumericEquals": i, "Next": rng.choice(names)}
                                   for i in range(rng.randint(1, 3))]
                if rng.random() < 0.7:
                    body["Default"] = rng.choice(names)
            elif kind not in ("Succeed", "Fail"):
                if rng.random() < 0.75:
                    body["Next"] = rng.choice(names)
                else:
                    body["End"] = True
            if kind == "Task":
                body["Resource"] = LAMBDA
                if rng.random() < 0.5:
                    body["Retry"] = [{"ErrorEquals": ["States.ALL"], "MaxAttempts": rng.randint(0, 5)}]
            if kind in ("Task", "Parallel", "Map") and rng.random() < 0.4:
                body["Catch"] = [{"ErrorEquals": ["States.ALL"], "Next": rng.choice(names)}]
            if kind == "Wait":
                body["Seconds"] = rng.randint(1, 60)
            if kind == "Parallel":
                body["Branches"] = [graph(depth + 1) for _ in range(rng.randint(1, 3))]
            if kind == "Map":
                body["ItemProcessor"] = graph(depth + 1)
            states[name] = body
        # AWS refuses a state nothing leads to and a States object with no end: a router at
        # the start reaches every state, and its Default ends the branch
        router, end = f"S{next(counter)}", f"S{next(counter)}"
        start = {"Type": "Choice", "Default": end,
                 "Choices": [{"Variable": "$.route", "NumericEquals": i, "Next": name}
                             for i, name in enumerate(names)]}
        return {"StartAt": router, "States": {router: start, **states, end: {"Type": "Succeed"}}}

    return graph(0)
