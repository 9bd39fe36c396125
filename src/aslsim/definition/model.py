"""The compiled state machine: frozen objects, one per state type, built once by ``parse``.

Every path, payload template, intrinsic call and JSONata expression a state uses is compiled here;
the engine only walks these objects. Fields that a definition may leave out are ``None``; a path
field that the definition set to JSON ``null`` holds ``NULL_PATH`` (AWS gives those a meaning:
InputPath/OutputPath null -> ``{}``, ResultPath null -> keep the input, discard the result).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

JSONPATH = "JSONPath"
JSONATA = "JSONata"


class _NullPath:
    """The definition said ``"InputPath": null`` (or OutputPath / ResultPath)."""

    __slots__ = ()

    def __repr__(self):
        return "NULL_PATH"


NULL_PATH = _NullPath()


@dataclass(frozen=True, eq=False)
class Retrier:
    errors: tuple[str, ...]
    interval_seconds: float = 1
    max_attempts: int = 3
    backoff_rate: float = 2.0
    max_delay_seconds: float | None = None
    jitter_full: bool = False


@dataclass(frozen=True, eq=False)
class Catcher:
    errors: tuple[str, ...]
    next: str
    result_path: Any = None          # ReferencePath | NULL_PATH | None (= "$")
    assign: Any = None               # compiled Assign (JSONPath template or JSONata template)
    output: Any = None               # JSONata Output


@dataclass(frozen=True, eq=False)
class ChoiceRule:
    condition: Any                   # .matches(data, env) for JSONPath; JSONata template otherwise
    next: str
    assign: Any = None
    output: Any = None


@dataclass(frozen=True, eq=False)
class State:
    """Fields every state has. ``query_language`` is the effective one (state or machine)."""
    name: str
    type: str
    query_language: str
    next: str | None = None
    end: bool = False
    input_path: Any = None           # Path | NULL_PATH | None (= "$")
    output_path: Any = None
    assign: Any = None               # compiled Assign block, or None
    output: Any = None               # JSONata Output, or None
    comment: str | None = None

    @property
    def jsonata(self) -> bool:
        return self.query_language == JSONATA


@dataclass(frozen=True, eq=False)
class PassState(State):
    parameters: Any = None           # Template
    result: Any = None
    has_result: bool = False
    result_path: Any = None


@dataclass(frozen=True, eq=False)
class TaskState(State):
    resource: str = ""
    parameters: Any = None           # Template (JSONPath Parameters) or JSONata Arguments
    result_selector: Any = None
    result_path: Any = None
    retriers: tuple[Retrier, ...] = ()
    catchers: tuple[Catcher, ...] = ()
    timeout_seconds: Any = None      # int, Path (TimeoutSecondsPath) or JSONata template
    heartbeat_seconds: Any = None
    credentials: Any = None


@dataclass(frozen=True, eq=False)
class ChoiceState(State):
    choices: tuple[ChoiceRule, ...] = ()
    default: str | None = None


@dataclass(frozen=True, eq=False)
class WaitState(State):
    seconds: Any = None              # int literal, or JSONata template
    seconds_path: Any = None
    timestamp: Any = None            # literal string, or JSONata template
    timestamp_path: Any = None


@dataclass(frozen=True, eq=False)
class SucceedState(State):
    pass


@dataclass(frozen=True, eq=False)
class FailState(State):
    error: Any = None                # literal, or JSONata template
    error_path: Any = None           # Path or intrinsic
    cause: Any = None
    cause_path: Any = None


@dataclass(frozen=True, eq=False)
class Graph:
    """A closed set of states: the machine's top level, a Parallel branch or a Map processor."""
    start_at: str
    states: Mapping[str, State]
    query_language: str = JSONPATH


@dataclass(frozen=True, eq=False)
class ParallelState(State):
    branches: tuple[Graph, ...] = ()
    parameters: Any = None
    result_selector: Any = None
    result_path: Any = None
    retriers: tuple[Retrier, ...] = ()
    catchers: tuple[Catcher, ...] = ()


@dataclass(frozen=True, eq=False)
class ItemReaderSpec:
    """A Distributed Map's ItemReader: where its items come from (S3)."""
    resource: str
    arguments: Any = None            # Parameters (JSONPath template) or Arguments (JSONata)
    reader_config: Mapping[str, Any] = field(default_factory=dict)   # without MaxItems/MaxItemsPath
    max_items: Any = None            # int, Path (MaxItemsPath) or JSONata template


@dataclass(frozen=True, eq=False)
class ItemBatcherSpec:
    """A Distributed Map's ItemBatcher: how many items (and bytes) one child execution gets."""
    max_items: Any = None            # int, Path or JSONata template (MaxItemsPerBatch)
    max_bytes: Any = None            # int, Path or JSONata template (MaxInputBytesPerBatch)
    batch_input: Any = None          # template for the child input's BatchInput


@dataclass(frozen=True, eq=False)
class ResultWriterSpec:
    """A Distributed Map's ResultWriter: an S3 export and/or a reshaping of the results."""
    resource: str | None = None
    arguments: Any = None            # Parameters / Arguments: Bucket and Prefix
    output_type: str | None = None   # WriterConfig.OutputType: JSON | JSONL
    transformation: str | None = None    # WriterConfig.Transformation: NONE | COMPACT | FLATTEN


@dataclass(frozen=True, eq=False)
class MapState(State):
    processor: Graph | None = None
    distributed: bool = False
    items_path: Any = None           # Path (JSONPath) or None (= "$")
    items: Any = None                # JSONata Items
    item_selector: Any = None
    max_concurrency: Any = 0         # int, Path or JSONata template
    result_selector: Any = None
    result_path: Any = None
    retriers: tuple[Retrier, ...] = ()
    catchers: tuple[Catcher, ...] = ()
    label: str | None = None
    execution_type: str = "STANDARD"     # ProcessorConfig.ExecutionType of a Distributed Map
    tolerated_failure_count: Any = None       # int, Path or JSONata template
    tolerated_failure_percentage: Any = None  # number, Path or JSONata template
    item_reader: ItemReaderSpec | None = None
    item_batcher: ItemBatcherSpec | None = None
    result_writer: ResultWriterSpec | None = None


@dataclass(frozen=True, eq=False)
class CompiledMachine:
    graph: Graph
    timeout_seconds: int | None = None
    comment: str | None = None
    source: Any = None               # the definition as the user gave it (a dict)
    file: str | None = None
    all_states: Mapping[str, State] = field(default_factory=dict)
