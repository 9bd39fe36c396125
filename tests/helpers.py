"""Builders shared by the test modules: small definitions, and evaluation contexts for query values."""
from __future__ import annotations

from types import SimpleNamespace

import aslsim


def definition(states: dict, start: str | None = None, **top) -> dict:
    """A definition of ``states`` starting at ``start`` (the first state unless told), with any
    top-level fields (QueryLanguage, TimeoutSeconds, Comment, ...)."""
    return {"StartAt": start or next(iter(states)), "States": states, **top}


def machine(states: dict, start: str | None = None, **top):
    """``definition(...)`` loaded."""
    return aslsim.load(definition(states, start, **top))


def task(resource: str, **fields) -> dict:
    """A Task state of ``resource`` with ``fields`` (Next or End among them)."""
    return {"Type": "Task", "Resource": resource, **fields}


def resolve(value, document, env):
    """A compiled template, path value or intrinsic resolved with ``$`` standing for ``document``
    and the rest of the evaluation context (``context``, ``variables``, ``random``) from ``env``."""
    return value.resolve(SimpleNamespace(**vars(env), document=document))
