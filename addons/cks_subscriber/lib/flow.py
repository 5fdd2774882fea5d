"""Which protected writes the server's own code has opened at this moment.

States, numbers, actors and server times (a device's custodian, a record's number, who
reported a loss and when) are set by the flow of the product alone. Anything a client sends
is untrusted: the context of a call, every field, every public method's arguments. So the key
that lets a flow write those fields cannot be something a client can send (a context key was,
and the review walked through it); it lives here, in a context variable of the running thread
that only server code can set:

    with flow.opened("cks.token"):
        token.write({"state": "assigned", "custodian_id": user.id})

A model refuses a write to its flow fields unless its name is open (see
``cks_subscriber/models/cks_input_guard.py``). Each thread of the server (one per request)
starts with nothing open, and ``opened`` closes what it opened even when the block raises.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

_OPEN: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar("cks_flow_open", default=frozenset())


@contextmanager
def opened(*models: str) -> Iterator[None]:
    """Let the code inside the block write the flow fields of ``models`` (model names)."""
    token = _OPEN.set(_OPEN.get() | frozenset(models))
    try:
        yield
    finally:
        _OPEN.reset(token)


def is_open(model: str) -> bool:
    """True inside an ``opened`` block naming ``model``."""
    return model in _OPEN.get()
