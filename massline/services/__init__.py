"""Use cases: the only code that changes state, one package per domain.

The kernel, used by every domain: ``access`` (the chokepoints: may this user
see or do this), ``errors``, ``events`` (the case history writer), ``audit``,
``crypto``, ``ratelimit`` (limits shared by every process, in the database),
``sessions`` (server-side browser sessions), ``subtree`` and ``actions`` (the
table typed actions register in). The domains — ``intake``,
``routing``, ``casework``, ``issues``, ``alerts``, ``search``, ``people``,
``deployment``, ``demo``, ``pipeline``, ``classifier``, and the reserved
``replies``, ``accountability``, ``supervision``, ``research`` — each say in
their ``__init__`` what they own; other code imports only the names listed
there.
"""
