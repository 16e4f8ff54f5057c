"""Shared fixtures. Stores are built once per session from the committed seed and copied per test,
so every test starts from the same real figures and can change them freely."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.common import CREATE_ROLE_SQL
from benchmarks.common import psql_as_postgres as _psql
from scorecard import config, seed, store
from scorecard.areas import AreaIndex
from scorecard.importers import ImportContext, SourceFile

RAW = config.RAW_DATA_DIR
# Small cuts of every real format, committed (tests/fixtures/cut_fixtures.py regenerates them).
FIXTURES = Path(__file__).parent / "fixtures"
TIERS = ("unit", "store", "pages", "e2e", "raw")


def pytest_collection_modifyitems(config, items):
    """Each test carries its tier as a marker, taken from its folder: `pytest -m unit` runs one tier."""
    root = Path(__file__).parent
    for item in items:
        parts = Path(str(item.fspath)).relative_to(root).parts
        if parts and parts[0] in TIERS:
            item.add_marker(getattr(pytest.mark, parts[0]))


def raw_path(relative: str) -> Path:
    """A raw published file from ../shared/data; the test is skipped, saying why, if it is absent."""
    path = RAW / relative
    if not path.exists():
        pytest.skip(f"needs the raw release {relative} in {RAW} (the shared data folder beside the checkout)")
    return path


@pytest.fixture(autouse=True)
def server_log(tmp_path, monkeypatch) -> Path:
    """Each test's own server log (scorecard.errors), never data/logs in the checkout."""
    path = tmp_path / "logs" / "scorecard.log"
    monkeypatch.setenv("SCORECARD_LOG", str(path))
    return path


@pytest.fixture(autouse=True)
def no_deployment_secrets(tmp_path, monkeypatch) -> None:
    """No test reads the machine's own secrets: no backup signing key unless the test sets one."""
    monkeypatch.delenv("SCORECARD_BACKUP_KEY", raising=False)
    monkeypatch.setenv("SCORECARD_SECRETS", str(tmp_path / "no-secrets.toml"))


def fixture_file(relative: str) -> SourceFile:
    """A committed fixture (tests/fixtures/...) as the importers see a file."""
    return SourceFile.from_path(FIXTURES / relative)


def store_fingerprint(con) -> dict[str, tuple]:
    """Every table's row count and an order-independent hash of its rows: equal before and after
    means the store was not changed at all."""
    names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY table_name").fetchall()]
    return {name: tuple(con.table(name).query("t", "SELECT count(*), sum(hash(t)) FROM t").fetchall()[0])
            for name in names}


def refusals(con) -> int:
    """How many refusals the audit trail holds."""
    return con.execute("SELECT count(*) FROM audit_event WHERE outcome = 'refused'").fetchone()[0]


def only_a_refusal_recorded(con, before: dict, refusals_before: int) -> bool:
    """Whether the store is as `before` (store_fingerprint) but for one more refusal in the audit trail:
    a refused file writes nothing but the record of its refusal."""
    after = store_fingerprint(con)
    return ({k: v for k, v in after.items() if k != "audit_event"}
            == {k: v for k, v in before.items() if k != "audit_event"}) and refusals(con) == refusals_before + 1


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "seeded.duckdb"
    con = store.connect(str(path))
    seed.init(con)
    con.close()
    return path


def pytest_generate_tests(metafunc):
    """A test marked `both_backends` runs on a DuckDB file and on a DuckLake (SQLite catalog): the
    same store code serves both, so the same tests must pass on both."""
    if "backend" in metafunc.fixturenames:
        both = metafunc.definition.get_closest_marker("both_backends") is not None
        metafunc.parametrize("backend", ["file", "ducklake"] if both else ["file"], indirect=True)


@pytest.fixture
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def seeded_lake_template(tmp_path_factory) -> Path:
    """A DuckLake store (SQLite catalog and Parquet files) seeded once, copied by each test that uses it."""
    folder = tmp_path_factory.mktemp("lake_template") / "lake"
    con = store.connect(lake_target(folder))
    seed.init(con)
    con.close()
    return folder


def lake_target(folder: Path) -> str:
    return f"ducklake:sqlite:{folder / 'catalog.sqlite'}"


def copy_lake(template: Path, folder: Path) -> str:
    """A copy of a DuckLake store. Its catalog records where its files are, so the copy is told its own."""
    import sqlite3

    shutil.copytree(template, folder)
    with contextlib.closing(sqlite3.connect(folder / "catalog.sqlite")) as catalog:
        catalog.execute("UPDATE ducklake_metadata SET value = ? WHERE key = 'data_path'",
                        [str(folder / "catalog-files") + "/"])
        catalog.commit()
    return lake_target(folder)


@pytest.fixture
def db_path(backend, seeded_template, tmp_path, request):
    """This test's own copy of the seeded store: a file path, or a ducklake:sqlite: target."""
    if backend == "ducklake":
        return copy_lake(request.getfixturevalue("seeded_lake_template"), tmp_path / "lake")
    path = tmp_path / "scorecard.duckdb"
    shutil.copy(seeded_template, path)
    return path


# Another process with the store open read-write, as the dashboard or a command-line import holds it.
_HOLD = "import duckdb, sys; con = duckdb.connect(sys.argv[1]); print('holding', flush=True); sys.stdin.read()"


@contextlib.contextmanager
def store_held(path: Path):
    """While this is open another process holds the store at `path`; it lets go at the end."""
    holder = subprocess.Popen([sys.executable, "-c", _HOLD, str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding", "the holding process did not open the store"
        yield holder
    finally:
        holder.kill()
        holder.wait(timeout=30)


def cut_short(path: Path, fraction: float = 0.5) -> Path:
    """The store at `path`, truncated in place to `fraction` of its size (a full disk, a copy stopped half way)."""
    with open(path, "r+b") as f:
        f.truncate(int(path.stat().st_size * fraction))
    return path


def flip_a_byte_of(path: Path, table: str = "metric_value") -> Path:
    """The store at `path` with one byte flipped inside a block holding `table`'s rows (a bad disk sector)."""
    con = store.connect(str(path), read_only=True)
    block = con.execute("SELECT max(block_id) FROM pragma_storage_info(?) WHERE block_id >= 0", [table]).fetchone()[0]
    blocks, block_size = con.execute("SELECT total_blocks, block_size FROM pragma_database_size()").fetchone()
    con.close()
    header = path.stat().st_size - blocks * block_size
    offset = header + block * block_size + 100
    with open(path, "r+b") as f:
        f.seek(offset)
        byte = f.read(1)
        f.seek(offset)
        f.write(bytes([byte[0] ^ 0xFF]))
    return path


@pytest.fixture
def con(db_path):
    connection = store.connect(str(db_path))
    yield connection
    connection.close()


@pytest.fixture
def empty_con(tmp_path):
    """A migrated store with the register and areas but no figures: for importing raw files."""
    connection = store.connect(str(tmp_path / "empty.duckdb"))
    frames = {name: seed.read_table(config.SEED_DIR, name).df() for name in ("areas", "area_aliases", "area_changes")}
    from scorecard import register

    with store.transaction(connection):
        register.sync_to_store(connection)
        seed._insert_frame(connection, "area", frames["areas"])
        seed._insert_frame(connection, "area_alias", frames["area_aliases"])
        seed._insert_frame(connection, "area_change", frames["area_changes"])
    yield connection
    connection.close()


@pytest.fixture
def ctx(con) -> ImportContext:
    return ImportContext.from_store(con)


@pytest.fixture
def empty_ctx(empty_con) -> ImportContext:
    """What a reader knows of a store with the register and areas but no figures."""
    return ImportContext.from_store(empty_con)


@pytest.fixture
def areas(con) -> AreaIndex:
    return AreaIndex.from_store(con)


# PostgreSQL, for DuckLake stores with a PostgreSQL catalog (many app servers on one catalog).
# The machine image has PostgreSQL 15 installed but stopped; .ci/run starts it, and so does this
# fixture where it can (as root, with pg_ctlcluster). Tests that need it skip, saying why, where no
# PostgreSQL can be started.
PG_ROLE, PG_PASSWORD = "scorecard_test", "scorecard_test"


@pytest.fixture(scope="session")
def postgres_server():
    if not shutil.which("pg_ctlcluster") or not shutil.which("psql") or not shutil.which("runuser"):
        pytest.skip("needs PostgreSQL (apt-get install postgresql); .ci/run installs it")
    status = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True)
    clusters = [line.split() for line in status.stdout.splitlines() if line.strip()]
    if not clusters:
        pytest.skip("PostgreSQL is installed but has no cluster to start")
    version, name, port, state = clusters[0][:4]
    if state != "online":
        started = subprocess.run(["pg_ctlcluster", version, name, "start"], capture_output=True, text=True, timeout=60)
        if started.returncode != 0:
            pytest.skip(f"PostgreSQL could not be started: {started.stderr.strip() or started.stdout.strip()}")
    exists = _psql("SELECT 1 FROM pg_roles WHERE rolname = :'role';", role=PG_ROLE)
    if exists.returncode != 0:
        pytest.skip(f"PostgreSQL is running but cannot be used: {exists.stderr.strip()}")
    _psql(CREATE_ROLE_SQL, role=PG_ROLE, password=PG_PASSWORD)
    return int(port)


@pytest.fixture
def postgres_lake(postgres_server, tmp_path, monkeypatch) -> str:
    """A new, empty PostgreSQL database for a DuckLake catalog, its Parquet files in this test's folder."""
    database = f"scorecard_{tmp_path.name.lower().replace('-', '_')[:40]}_{os.getpid()}"
    _psql('DROP DATABASE IF EXISTS :"database";', database=database)
    created = _psql('CREATE DATABASE :"database" OWNER :"role";', database=database, role=PG_ROLE)
    if created.returncode != 0:
        pytest.skip(f"could not create a PostgreSQL database: {created.stderr.strip()}")
    monkeypatch.setenv("SCORECARD_DATA_PATH", str(tmp_path / "lake-files"))
    yield (f"ducklake:postgres:dbname={database} host=127.0.0.1 port={postgres_server} "
           f"user={PG_ROLE} password={PG_PASSWORD}")
    _psql('DROP DATABASE IF EXISTS :"database" WITH (FORCE);', database=database)
