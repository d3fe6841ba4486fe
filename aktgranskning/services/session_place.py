"""Where a session's granskning lives: in a granskningsfil, or on the förvaltning's database server.

A session on the server has a `path` that is only a name for messages and the window title
(services.server.server_label): nothing may open, watch, stat or list the folder of it.
"""

from __future__ import annotations

from aktgranskning.services.session import ReviewSession


def is_on_server(session: ReviewSession) -> bool:
    """True when the granskning is on a database server: `session.path` is then a label, not a file."""
    return session.store.engine.dialect.name != "sqlite"
