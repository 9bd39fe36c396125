"""aslsim: run AWS Step Functions state machines offline, on virtual time, as AWS runs them."""
from .engine.execution import Execution
from .errors import DefinitionError, InputError, StatesError
from .machine import StateMachine, load
from .replaying import replay
from .services.calls import ServiceError, TaskCall, TaskFailure, TaskSuccess
from .services.mocks import Mocks
from .test_state import TestStateError, TestStateResult, test_state

__all__ = ["load", "replay", "StateMachine", "Execution", "Mocks", "test_state", "TestStateResult", "TestStateError", "TaskCall", "TaskSuccess", "TaskFailure", "ServiceError", "DefinitionError", "InputError", "StatesError"]
__version__ = "0.1.0"

