"""The hottest statements (a submission's INSERTs), compiled once and run on the DBAPI cursor.

SQLAlchemy's Core ``execute`` costs tens of microseconds of Python per call and
per row (execution context, parameter processing, result wrapping) — more than
SQLite spends storing a row. ``DbapiInsert`` keeps what matters of it: the SQL
is compiled by SQLAlchemy for the session's dialect (SQLite or PostgreSQL,
whichever paramstyle), values go through each column type's own bind
processor (``UTCDateTime``, ``JSON``, ...), scalar Python-side column defaults
are filled in, and DBAPI errors are raised as SQLAlchemy's (``IntegrityError``
…). It runs in the caller's transaction, on the session's connection.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, Table, bindparam, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from massline.models.base import UTCDateTime

Processor = Callable[[Any], Any] | None
Seen = dict[tuple[Processor, datetime], Any]  # converted timestamps of one execute()


class _Compiled:
    """One INSERT for one dialect and one set of row keys."""

    def __init__(self, table: Table, keys: tuple[str, ...], returning: str | None, dialect: Dialect) -> None:
        defaults: dict[str, Any] = {}
        for column in table.columns:
            if column.key in keys or column.default is None:
                continue
            if not column.default.is_scalar:  # e.g. default=utcnow: the caller must give the value
                raise ValueError(f"{table.name}.{column.key} has a computed default; give it in the rows")
            defaults[column.key] = column.default.arg  # type: ignore[attr-defined]
        names = (*keys, *defaults)
        stmt = insert(table).values({name: bindparam(name) for name in names})
        if returning is not None:
            stmt = stmt.returning(table.c[returning])
        compiled = stmt.compile(dialect=dialect)
        self.sql = compiled.string
        self.defaults = defaults
        order = compiled.positiontup if compiled.positional else None
        self.order: tuple[str, ...] = tuple(order) if order is not None else names
        self.positional = compiled.positional
        shared: dict[object, Processor] = {}  # columns of the same type share a processor (and its memo)
        self.processors: dict[str, Processor] = {}
        for name in names:
            type_ = table.c[name].type
            key = UTCDateTime if isinstance(type_, UTCDateTime) else name  # (UTCDateTime has no parameters)
            if key not in shared:
                shared[key] = type_.dialect_impl(dialect).bind_processor(dialect)
            self.processors[name] = shared[key]

    def params(self, row: dict[str, Any], seen: Seen) -> tuple[Any, ...] | dict[str, Any]:
        values = []
        for name in self.order:
            value = row[name] if name in row else self.defaults[name]
            process = self.processors[name]
            if process is None:
                values.append(value)
            elif type(value) is datetime:  # a row repeats its timestamps (created = updated): convert each once
                key = (process, value)
                if key not in seen:
                    seen[key] = process(value)
                values.append(seen[key])
            else:
                values.append(process(value))
        return tuple(values) if self.positional else dict(zip(self.order, values, strict=True))


class DbapiInsert:
    """``INSERT INTO table (<row keys>)`` run through the DBAPI cursor of the session's connection.

    ``returning`` names a column to return (the primary key), one value per row, in row order.
    """

    def __init__(self, table: Table, *, returning: str | None = None) -> None:
        self.table = table
        self.returning = returning
        self._compiled: dict[tuple[str, tuple[str, ...]], _Compiled] = {}

    def _for(self, dialect: Dialect, keys: tuple[str, ...]) -> _Compiled:
        key = (dialect.name, keys)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = _Compiled(self.table, keys, self.returning, dialect)
        return compiled

    def execute(self, session: Session, rows: Sequence[dict[str, Any]]) -> list[Any]:
        """Insert ``rows`` (all with the same keys) in the session's transaction.

        Returns the ``returning`` column of each row in order (an empty list without ``returning``).
        """
        if not rows:
            return []
        connection = session.connection()
        dialect = connection.dialect
        compiled = self._for(dialect, tuple(rows[0]))
        seen: Seen = {}
        params = [compiled.params(row, seen) for row in rows]
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            if self.returning is None:
                cursor.executemany(compiled.sql, params)  # type: ignore[arg-type]
                return []
            out = []
            for p in params:  # one statement per row: ids come back in row order on every database
                cursor.execute(compiled.sql, p)
                row = cursor.fetchone()
                assert row is not None
                out.append(row[0])
            return out
        except dialect.loaded_dbapi.Error as exc:
            raise DBAPIError.instance(compiled.sql, params, exc, dialect.loaded_dbapi.Error) from exc
        finally:
            cursor.close()


class DbapiScalar:
    """A one-value SELECT (``stmt`` with named bind parameters) run on the DBAPI cursor.

    It reads through the session's connection, so it sees what the transaction
    has flushed, but it does not autoflush: callers flush first when it matters.
    """

    def __init__(self, stmt: Select[Any]) -> None:
        self.stmt = stmt
        self._compiled: dict[str, tuple[str, tuple[str, ...] | None]] = {}

    def execute(self, session: Session, params: dict[str, Any]) -> Any:
        """The first column of the first row, or None."""
        connection = session.connection()
        dialect = connection.dialect
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            c = self.stmt.compile(dialect=dialect)
            order = tuple(c.positiontup) if c.positional and c.positiontup is not None else None
            compiled = self._compiled[dialect.name] = (c.string, order)
        sql, order = compiled
        args: tuple[Any, ...] | dict[str, Any] = tuple(params[k] for k in order) if order is not None else params
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql, args)
            row = cursor.fetchone()
        except dialect.loaded_dbapi.Error as exc:
            raise DBAPIError.instance(sql, args, exc, dialect.loaded_dbapi.Error) from exc
        finally:
            cursor.close()
        return row[0] if row is not None else None
