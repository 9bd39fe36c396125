"""What every run is set up with, however it is started (``run``, ``start``, ``redrive``,
TestState): the services that answer its Tasks, and the instant its virtual clock starts."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from .definition.timestamps import epoch_ms, parse_timestamp
from .errors import InputError
from .services import api_models
from .services.mocks import Mocks
from .services.router import Services

# Virtual time starts here unless the caller says otherwise: runs are reproducible by default.
DEFAULT_START = datetime(2025, 1, 1, tzinfo=timezone.utc)


def task_services(options: dict, *, machine_name: str, file: str | None = None, nested=None,
                  outside=None) -> Services:
    """The answerers of a run's Tasks, in the order asked: ``options``'s answers, mocks, child
    machines (``nested``), the mock config's test case, local Lambdas, moto. ``file`` is the
    definition's: local handler files are found beside it, as a repository lays them out."""
    mocks, mock_config, test_case = options["mocks"], options["mock_config"], options["test_case"]
    lambdas, aws = options["lambdas"], options["aws"]
    answerers: list = [options["answers"], mocks if isinstance(mocks, Mocks) else Mocks(mocks)]
    if nested is not None:
        answerers.append(nested)
    if mock_config is not None:
        from .services.mock_config import MockConfig
        config = mock_config if isinstance(mock_config, MockConfig) else MockConfig.load(mock_config)
        answerers.append(config.answerer(machine_name, test_case))
    elif test_case is not None:
        raise InputError("test_case names a test case of a mock config file: pass mock_config too")
    if aws is not None and aws != "moto":
        raise InputError(f"aws must be 'moto' (moto's in-memory AWS), not {aws!r}")
    if aws is not None:
        # imported before the handlers load: boto3 clients they make at import time then
        # carry moto's hook, and reach moto during the run
        from .services.moto_backend import MotoAWS
    if lambdas is not None:
        from .services.lambda_local import LocalLambdas
        if not isinstance(lambdas, LocalLambdas):
            lambdas = LocalLambdas(lambdas, base_dir=Path(file).parent if file else None)
        answerers.append(lambdas)
    if aws is not None:
        answerers.append(MotoAWS())
    return Services(answerers, callbacks=options["callbacks"], check_parameters=api_models.check_parameters,
                    outside=outside)


_DEFAULT_START_MS = epoch_ms(DEFAULT_START)
# The clock must be able to print every instant of a year-long execution.
_EARLIEST_MS, _LATEST_MS = 0, epoch_ms(datetime(9998, 12, 31, 23, 59, 59, tzinfo=timezone.utc))


def clock_start_ms(start_time) -> int:
    """A run's ``start_time`` (None, a datetime, ISO-8601 text or epoch milliseconds) in epoch
    milliseconds; InputError when it is none of these or out of the clock's range."""
    ms = _given_start_ms(start_time)
    if not _EARLIEST_MS <= ms <= _LATEST_MS:
        raise InputError(f"start_time must be between 1970-01-01T00:00:00Z and 9998-12-31T23:59:59Z "
                         f"(epoch milliseconds 0 to {_LATEST_MS}), not {start_time!r}")
    return ms


def _given_start_ms(start_time) -> int:
    if start_time is None:
        return _DEFAULT_START_MS
    if isinstance(start_time, int) and not isinstance(start_time, bool):
        return start_time            # epoch milliseconds
    if isinstance(start_time, datetime):
        if start_time.tzinfo is None:
            start_time = start_time.replace(tzinfo=timezone.utc)
        return epoch_ms(start_time)
    if isinstance(start_time, str):
        moment = parse_timestamp(start_time)
        if moment is None:
            raise InputError(f"start_time {start_time!r} is not an ISO-8601 timestamp such as "
                             "2025-01-01T00:00:00Z")
        return epoch_ms(moment)
    raise InputError("start_time must be a datetime, an ISO-8601 string or epoch milliseconds")
