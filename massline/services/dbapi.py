"""The hottest statements (a submission's INSERTs, a bulk import's rows), compiled once and run on the DBAPI cursor.

SQLAlchemy's Core ``execute`` costs tens of microseconds of Python per call and
per row (execution context, parameter processing, result wrapping) — more than
SQLite spends storing a row. ``CompiledInsert`` (and ``DbapiInsert``, which
compiles one per dialect and set of row keys) keeps what matters of it: the SQL
is compiled by SQLAlchemy for the session's dialect (SQLite or PostgreSQL,
whichever paramstyle), values go through each column type's own bind
processor (``UTCDateTime``, ``JSON``, ...), scalar Python-side column defaults
are filled in, and DBAPI errors are raised as SQLAlchemy's (``IntegrityError``
…). It runs in the caller's transaction, on the session's connection.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Boolean, Connection, DateTime, Select, Table, bindparam, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from massline.models.base import UTCDateTime

_MEMO = 10_000  # converted values remembered per column of a CompiledInsert


class CompiledInsert:
    """``INSERT INTO table (columns)`` for one dialect, with rows converted to driver values.

    The SQL is compiled by SQLAlchemy for the dialect (quoting, paramstyle, an
    optional ``RETURNING``); a column left out gets its scalar default.
    :meth:`values` converts a row (a dict with every column) with each
    column's own bind processor, as SQLAlchemy would, remembering converted
    timestamps, flags and JSON (a message's time is its events' time);
    callers may fill an id in place (positions as in :attr:`names`) before
    :meth:`run` hands them to the driver in its paramstyle.
    """

    def __init__(self, dialect: Dialect, table: Table, columns: Sequence[str], returning: str | None = None) -> None:
        constants: dict[str, Any] = {}
        for column in table.columns:
            if column.key in columns or column.default is None:
                continue
            if not getattr(column.default, "is_scalar", False):  # e.g. default=utcnow: the caller must give it
                raise ValueError(f"{table.name}.{column.key} has a computed default; give it in the rows")
            constants[column.key] = column.default.arg  # type: ignore[attr-defined]
        names = (*columns, *constants)
        stmt = insert(table).values({name: bindparam(name) for name in names})
        if returning is not None:
            stmt = stmt.returning(table.c[returning])
        compiled = stmt.compile(dialect=dialect)
        self.sql = compiled.string
        self.positional = bool(compiled.positional)
        # SQLAlchemy binds in the table's column order; values are kept in ``names`` order
        order = tuple(compiled.positiontup or names) if compiled.positional else names
        self._perm = [names.index(name) for name in order] if order != names else None
        self.names = names
        self.returns = returning is not None
        self._single = len(columns) == 1
        self._get = itemgetter(*columns)
        self._convert: list[tuple[int, Callable[[Any], Any], dict[Any, Any] | None]] = []
        for i, name in enumerate(columns):
            type_ = table.c[name].type
            if (fn := type_.dialect_impl(dialect).bind_processor(dialect)) is not None:
                memo: dict[Any, Any] | None = {} if isinstance(type_, DateTime | UTCDateTime | Boolean | JSON) else None
                self._convert.append((i, fn, memo))
        self._constants = []
        for name, value in constants.items():
            fn = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
            self._constants.append(fn(value) if fn is not None and value is not None else value)

    @classmethod
    def make(cls, dialect: Dialect, table: Table, columns: Sequence[str]) -> CompiledInsert | None:
        """The insert, or None when a left-out column has a computed default (only Core can apply it)."""
        try:
            return cls(dialect, table, columns)
        except ValueError:
            return None

    def values(self, row: dict[str, Any]) -> list[Any]:
        """``row`` as driver values, in the order of :attr:`names`."""
        got = self._get(row)
        value = [got] if self._single else list(got)  # (itemgetter of one column gives the value itself)
        for i, fn, memo in self._convert:
            raw = value[i]
            if raw is None:
                continue
            if memo is None:
                value[i] = fn(raw)
                continue
            # typed keys: True == 1 == 1.0, but JSON writes them differently
            key = tuple((k, type(v), v) for k, v in raw.items()) if isinstance(raw, dict) else (type(raw), raw)
            try:
                value[i] = memo[key]
            except KeyError:
                if len(memo) >= _MEMO:
                    memo.clear()
                value[i] = memo[key] = fn(raw)
            except TypeError:  # an unhashable value: converted each time
                value[i] = fn(raw)
        value.extend(self._constants)
        return value

    def _params(self, values: list[Any]) -> Sequence[Any] | dict[str, Any]:
        if not self.positional:
            return dict(zip(self.names, values, strict=True))
        return values if self._perm is None else [values[i] for i in self._perm]

    def run(self, connection: Connection, rows: Sequence[list[Any]]) -> list[Any]:
        """Insert rows of :meth:`values` in ``connection``'s transaction (``executemany``; one
        ``execute`` per row with ``RETURNING``).

        Returns the returned column of each row, in order (empty without ``RETURNING``).
        DBAPI errors are raised as SQLAlchemy's (``IntegrityError`` ...).
        """
        dialect = connection.dialect
        params = [self._params(values) for values in rows]
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            if not self.returns:
                cursor.executemany(self.sql, params)  # type: ignore[arg-type]
                return []
            out = []
            for p in params:  # one statement per row: ids come back in row order on every database
                cursor.execute(self.sql, p)
                row = cursor.fetchone()
                assert row is not None
                out.append(row[0])
            return out
        except dialect.loaded_dbapi.Error as exc:
            raise DBAPIError.instance(self.sql, list(params), exc, dialect.loaded_dbapi.Error) from exc
        finally:
            cursor.close()


class DbapiInsert:
    """``INSERT INTO table (<row keys>)`` run through the DBAPI cursor of the session's connection.

    ``returning`` names a column to return (the primary key), one value per row, in row order.
    """

    def __init__(self, table: Table, *, returning: str | None = None) -> None:
        self.table = table
        self.returning = returning
        self._compiled: dict[tuple[str, tuple[str, ...]], CompiledInsert] = {}

    def execute(self, session: Session, rows: Sequence[dict[str, Any]]) -> list[Any]:
        """Insert ``rows`` (all with the same keys) in the session's transaction.

        Returns the ``returning`` column of each row in order (an empty list without ``returning``).
        """
        if not rows:
            return []
        connection = session.connection()
        keys = tuple(rows[0])
        compiled = self._compiled.get((connection.dialect.name, keys))
        if compiled is None:
            compiled = CompiledInsert(connection.dialect, self.table, keys, self.returning)
            self._compiled[(connection.dialect.name, keys)] = compiled
        return compiled.run(connection, [compiled.values(row) for row in rows])


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
