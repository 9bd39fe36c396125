"""The diagnostic codes of ``aslsim validate``: a title, a default severity and a help text each.

The numbers are stable (users put them in ``--select``/``--ignore`` and in their CI), grouped by
family: 0xx files, 1xx structure, 2xx transitions, 3xx JSONPath, 4xx JSONata and variables,
5xx error handling and Choice logic, 6xx resources, 7xx limits, 9xx the loader's backstop.
Severity is ``error`` where AWS's CreateStateMachine refuses the definition and ``warning`` for
likely bugs that AWS accepts.
"""
from __future__ import annotations

from dataclasses import dataclass

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    severity: str
    help: str


_TABLE = [
    ("ASL001", "unreadable file", ERROR,
     "The file is not valid JSON or YAML, or cannot be read. Nothing else in it is checked."),
    ("ASL002", "duplicate key", ERROR,
     "An object has the same key twice. JSON parsers keep only one of them (which one depends on "
     "the parser), so the definition AWS receives may not be the one you read."),
    ("ASL003", "template value not checked", WARNING,
     "A CloudFormation placeholder could not be resolved, or the definition lives outside the "
     "repository (an S3 DefinitionUri), so part of the machine is not checked."),
    ("ASL101", "missing required field", ERROR,
     "A field the state type requires is missing (StartAt, States, Type, Resource, Choices, ...)."),
    ("ASL102", "field not allowed here", ERROR,
     "The field is unknown, or belongs to another state type. AWS refuses unknown fields."),
    ("ASL103", "wrong type or out of range", ERROR,
     "The value has the wrong JSON type, or a number is outside the range AWS accepts."),
    ("ASL104", "value not allowed", ERROR,
     "The value is not one of those the field accepts (Type, QueryLanguage, Mode, ...)."),
    ("ASL105", "conflicting fields", ERROR,
     "Fields that exclude each other are both present (TimeoutSeconds and TimeoutSecondsPath, "
     "ItemsPath and Items, ...), or none of a required group is (a Wait's duration)."),
    ("ASL106", "invalid state name", ERROR,
     "State names are 1 to 80 characters long."),
    ("ASL201", "transition target does not exist", ERROR,
     "StartAt, Next, Default or a Catcher's Next names a state that is not in the same States "
     "object."),
    ("ASL202", "unreachable state", ERROR,
     "No transition leads to the state. AWS refuses a state nothing refers to; a state referred "
     "to only by unreachable states is reported as a warning."),
    ("ASL203", "no terminal state", ERROR,
     "A States object (the machine, a Parallel branch, a Map processor) has no state that ends "
     "it: End: true, a Succeed or a Fail state."),
    ("ASL204", "End/Next misuse", ERROR,
     "Every state but Choice, Succeed and Fail needs exactly one of Next and End: true; "
     "Choice, Succeed and Fail take neither."),
    ("ASL205", "transition crosses a branch boundary", ERROR,
     "A state inside a Parallel branch or a Map processor can only move to states of the same "
     "branch; a state outside cannot move into one."),
    ("ASL206", "duplicate state name", ERROR,
     "State names must be unique across the whole machine, nested branches included."),
    ("ASL207", "loop with no way out", WARNING,
     "A set of states only leads back into itself: once entered, the execution can only end by "
     "an error or the machine's timeout."),
    ("ASL301", "invalid path", ERROR,
     "InputPath, OutputPath, ItemsPath, a Choice Variable or a ...Path field is not a valid "
     "JSONPath."),
    ("ASL302", "invalid reference path", ERROR,
     "ResultPath (and the ...Path operands that must name one value) allows only names and "
     "indexes: no wildcards, filters or slices."),
    ("ASL303", "invalid intrinsic function", ERROR,
     "The intrinsic function is unknown, has the wrong number of arguments, or does not parse."),
    ("ASL304", "key collision after stripping .$", ERROR,
     "Two keys of a payload template become the same once the '.$' suffix is removed."),
    ("ASL305", "invalid dynamic value", ERROR,
     "A key ending in '.$' must hold a path ($, $$ or a $variable) or an intrinsic function."),
    ("ASL306", "path or intrinsic without .$", WARNING,
     "A payload template key without '.$' holds a string that looks like a path ($.x, $$.x) or "
     "an intrinsic function (States.Format(...)): AWS passes the text as it is. Add '.$' to the "
     "key to evaluate it."),
    ("ASL401", "JSONata syntax error", ERROR,
     "The expression between {% and %} does not compile."),
    ("ASL402", "field of the other query language", ERROR,
     "JSONPath states use InputPath, Parameters, ResultSelector, ResultPath and OutputPath; "
     "JSONata states use Arguments and Output. AWS refuses the other language's fields."),
    ("ASL403", "$states.result or $states.errorOutput unavailable", ERROR,
     "$states.result exists only in the Output and Assign of a Task, Parallel or Map; "
     "$states.errorOutput only in a Catcher's Output and Assign."),
    ("ASL404", "variable never assigned", ERROR,
     "A JSONPath field reads $name, but no state of the machine assigns that variable."),
    ("ASL405", "outer-scope variable write", ERROR,
     "A state inside a Parallel branch or an inline Map assigns a variable that an outer scope "
     "assigns; inner scopes may read outer variables but not write them."),
    ("ASL406", "invalid variable name", ERROR,
     "Variable names are letters, digits and underscores, not starting with a digit; "
     "'states' is reserved."),
    ("ASL407", "JSONPath state in a JSONata machine", ERROR,
     "A JSONata machine cannot contain JSONPath states (the reverse is allowed)."),
    ("ASL408", "JSONata reads the input document", ERROR,
     "Step Functions evaluates JSONata with no input document: '$', '$$' and bare field names "
     "at the top level of an expression are refused (UNSUPPORTED_JSONATA_EXPRESSION). Read the "
     "input as $states.input; '$' inside a filter or a path step after $states is fine."),
    ("ASL501", "States.ALL not alone and last", ERROR,
     "States.ALL must be the only error name of its retrier or catcher, and that retrier or "
     "catcher must be the last one."),
    ("ASL502", "retrier or catcher value out of range", ERROR,
     "IntervalSeconds >= 1, MaxAttempts >= 0, BackoffRate >= 1, MaxDelaySeconds 1..31622401, "
     "JitterStrategy FULL or NONE, ErrorEquals a non-empty array of strings."),
    ("ASL503", "retrier or catcher can never be used", WARNING,
     "Every error it names is already handled by an earlier retrier or catcher of the state."),
    ("ASL504", "Choice rule can never match", WARNING,
     "The rule contradicts itself (a value both below 3 and above 5, ...)."),
    ("ASL505", "Choice rule shadowed", WARNING,
     "An earlier rule of the same Choice matches every input this one matches, so it is never "
     "chosen."),
    ("ASL601", "malformed Resource", ERROR,
     "A Task's Resource must be an ARN (arn:partition:service:...)."),
    ("ASL602", "unknown service integration", ERROR,
     "The aws-sdk service or action, or the optimised integration, is not one Step Functions "
     "offers."),
    ("ASL603", "unknown API parameter", ERROR,
     "The aws-sdk action has no parameter of that name (botocore's model of the API)."),
    ("ASL604", "unsupported integration pattern", ERROR,
     "The service does not support that suffix (.sync, .sync:2, .waitForTaskToken)."),
    ("ASL605", "task token never passed", WARNING,
     "A .waitForTaskToken Task does not pass $$.Task.Token ($states.context.Task.Token) to the "
     "service, so nothing can ever resume it."),
    ("ASL701", "payload over 256 KiB", WARNING,
     "A constant payload (Result, Parameters, Arguments...) is larger than Step Functions' 256 KiB "
     "payload limit, so every execution reaching it fails (AWS accepts the definition itself)."),
    ("ASL702", "definition over 1 MiB", ERROR,
     "The definition's JSON text is larger than 1 MiB (1,048,576 bytes), the most "
     "CreateStateMachine accepts."),
    ("ASL900", "refused by the aslsim loader", ERROR,
     "aslsim's loader (which follows CreateStateMachine) refuses the definition for a reason no "
     "other check reported."),
]

RULES: dict[str, Rule] = {code: Rule(code, title, severity, text)
                          for code, title, severity, text in _TABLE}


def matches(code: str, prefixes) -> bool:
    """Whether ``code`` is selected by one of ``prefixes`` (``ASL2`` selects ASL201..ASL207)."""
    return any(code.startswith(prefix.strip().upper()) for prefix in prefixes if prefix.strip())
