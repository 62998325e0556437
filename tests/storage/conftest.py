"""PostgreSQL for the storage tests: one throwaway loopback cluster per session, a fresh
database per test. Without server binaries the PostgreSQL cases skip, except in CI
(CI=true), where a missing server is a failure: .ci/postgres-setup.sh installs it.
"""
from __future__ import annotations

import os

import pytest

from tests.storage.postgres_server import PostgresCluster, find_bin_dir


@pytest.fixture(scope="session")
def pg_cluster():
    bin_dir = find_bin_dir()
    if bin_dir is None:
        message = "no PostgreSQL server binaries (initdb, pg_ctl): install the postgresql package or set PG_BIN"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; CI must run the PostgreSQL cases (.ci/postgres-setup.sh)")
        pytest.skip(message)
    cluster = PostgresCluster.start(bin_dir)
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster) -> str:
    """The URL of a new, empty database on the session's cluster."""
    return pg_cluster.create_database()
