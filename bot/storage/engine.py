"""Which storage engine a database URL (or plain path) names, opened and migrated."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Union
from urllib.parse import unquote

from bot.errors import StorageError
from bot.storage.sqlite import SqliteStorage

if TYPE_CHECKING:
    from bot.storage.postgres import PostgresStorage

# The repositories the core is given: either engine, with the same public methods.
Storage = Union[SqliteStorage, "PostgresStorage"]

POSTGRES_SCHEMES = ("postgresql://", "postgres://")
SQLITE_SCHEME = "sqlite://"


def is_postgres(url_or_path: str | Path) -> bool:
    return isinstance(url_or_path, str) and url_or_path.lower().startswith(POSTGRES_SCHEMES)


def sqlite_path(url_or_path: str | Path) -> Path:
    """The file a `sqlite:///…` URL or plain path names.

    As in SQLAlchemy: `sqlite:///haven.db` is relative to the working directory,
    `sqlite:////data/haven.db` (four slashes) is absolute.
    """
    if isinstance(url_or_path, Path):
        return url_or_path
    text = url_or_path
    if text.lower().startswith(SQLITE_SCHEME):
        rest = text[len(SQLITE_SCHEME):]
        if not rest.startswith("/") or rest == "/":
            raise StorageError(f"{text}: a SQLite URL is sqlite:///relative/path or sqlite:////absolute/path")
        return Path(unquote(rest[1:].split("?", 1)[0]))
    if "://" in text:
        scheme = text.split("://", 1)[0]
        raise StorageError(
            f"database URL scheme {scheme}:// is not supported; use a file path, sqlite:///path "
            "or postgresql://user:password@host:port/name"
        )
    return Path(text)


async def open_storage(url_or_path: str | Path) -> SqliteStorage | PostgresStorage:
    """The storage for `url_or_path`, schema brought up to date.

    `postgresql://…` (or `postgres://…`) opens PostgreSQL; a path or `sqlite:///…` URL opens
    (creating if needed) a SQLite file. Raises StorageError with one operator line otherwise.
    """
    if is_postgres(url_or_path):
        try:
            from bot.storage.postgres import PostgresStorage
        except ImportError as exc:  # asyncpg missing from a hand-made environment
            raise StorageError(f"PostgreSQL needs the asyncpg package ({exc}); pip install -r requirements.txt") from None
        return await PostgresStorage.open(str(url_or_path))
    return await SqliteStorage.open(sqlite_path(url_or_path))
