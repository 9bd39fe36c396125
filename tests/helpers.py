"""Builders shared by the test modules: small definitions, and evaluation contexts for query values."""
from __future__ import annotations

from types import SimpleNamespace


def resolve(value, document, env):
    """A compiled template, path value or intrinsic resolved with ``$`` standing for ``document``
    and the rest of the evaluation context (``context``, ``variables``, ``random``) from ``env``."""
    return value.resolve(SimpleNamespace(**vars(env), document=document))
