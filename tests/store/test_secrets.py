"""A PostgreSQL password never reaches a command's output, the server log or the audit trail, whatever
DuckDB's error text holds; and it need not be in $SCORECARD_DB at all: PGPASSWORD, a .pgpass file
and the secrets file's [postgres] section each supply it (checked against the real PostgreSQL the
tests start)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from scorecard import access, audit, errors, redaction, store
from tests.conftest import PG_PASSWORD, PG_ROLE

ADMIN = access.command_line("test")


def _scorecard(*args: str, env: dict[str, str], cwd=None) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("PGPASSWORD", "PGPASSFILE", "SCORECARD_SECRETS")}
    return subprocess.run([sys.executable, "-m", "scorecard.cli", *args], capture_output=True, text=True,
                          timeout=300, env={**clean, **env})


@pytest.fixture
def secret_lake(postgres_lake, tmp_path) -> dict:
    """A PostgreSQL lake whose password is one no ordinary word contains, seeded by `scorecard init`."""
    password = "Sc0recard-Secret-Pw"
    from benchmarks.common import psql_as_postgres

    assert psql_as_postgres("ALTER ROLE :\"role\" PASSWORD :'password';", role=PG_ROLE,
                            password=password).returncode == 0
    target = postgres_lake.replace(f"password={PG_PASSWORD}", f"password={password}")
    yield {"target": target, "password": password, "log": tmp_path / "secret.log",
           "files": os.environ["SCORECARD_DATA_PATH"]}
    psql_as_postgres("ALTER ROLE :\"role\" PASSWORD :'password';", role=PG_ROLE, password=PG_PASSWORD)


def test_init_and_check_never_print_the_password_even_when_they_succeed(secret_lake):
    env = {"SCORECARD_DB": secret_lake["target"], "SCORECARD_LOG": str(secret_lake["log"]),
           "SCORECARD_DATA_PATH": secret_lake["files"]}
    for command in (["init"], ["check"], ["--db", secret_lake["target"], "imports"]):
        done = _scorecard(*command, env=env)
        assert done.returncode == 0, done.stderr
        assert secret_lake["password"] not in done.stdout + done.stderr, command
    assert "password=…" in _scorecard("init", env=env).stdout  # the store is named, its password is not


def test_a_wrong_password_is_in_no_output_and_no_log_line(secret_lake):
    wrong = "An0ther-Wrong-Pw"
    env = {"SCORECARD_LOG": str(secret_lake["log"]), "SCORECARD_DATA_PATH": secret_lake["files"]}
    target = secret_lake["target"].replace(secret_lake["password"], wrong)
    for command in (["--db", target, "check"], ["--db", target, "init"], ["--db", target, "show", "--metric",
                                                                           "ehcp_20wk_pct"]):
        done = _scorecard(*command, env=env)
        assert done.returncode == 1
        assert wrong not in done.stdout + done.stderr, command
        assert "PostgreSQL refused the password for that user" in done.stdout + done.stderr, done.stderr
    assert not secret_lake["log"].exists() or wrong not in secret_lake["log"].read_text()


@pytest.mark.parametrize("how", ["PGPASSWORD", ".pgpass", "secrets file"])
def test_the_password_can_be_given_outside_the_connection_string(secret_lake, tmp_path, how):
    target = secret_lake["target"].replace(f" password={secret_lake['password']}", "")
    assert "password=" not in target
    env = {"SCORECARD_DB": target, "SCORECARD_LOG": str(secret_lake["log"]),
           "SCORECARD_DATA_PATH": secret_lake["files"]}
    refused = _scorecard("init", env=env)
    assert refused.returncode == 1 and "PostgreSQL asked for a password and none was given" in refused.stderr
    assert "PGPASSWORD" in refused.stderr and ".pgpass" in refused.stderr

    if how == "PGPASSWORD":
        env["PGPASSWORD"] = secret_lake["password"]
    elif how == ".pgpass":
        passfile = tmp_path / "pgpass"
        passfile.write_text(f"127.0.0.1:*:*:{PG_ROLE}:{secret_lake['password']}\n")
        passfile.chmod(0o600)  # libpq ignores a password file others can read
        env["PGPASSFILE"] = str(passfile)
    else:
        secrets = tmp_path / "secrets.toml"
        secrets.write_text(f'[postgres]\npassword = "{secret_lake["password"]}"\n')
        env["SCORECARD_SECRETS"] = str(secrets)
    done = _scorecard("init", env=env)
    assert done.returncode == 0, done.stderr
    assert secret_lake["password"] not in done.stdout + done.stderr
    checked = _scorecard("check", env=env)
    assert checked.returncode == 0 and "The store is whole" in checked.stdout, checked.stdout + checked.stderr


def test_the_password_is_redacted_from_the_audit_trail_and_the_log(db_path, monkeypatch, server_log):
    password = "Pw-in-the-detail-42"
    monkeypatch.setenv("SCORECARD_DB", f"ducklake:postgres:dbname=x host=127.0.0.1 password={password}")
    con = store.connect(str(db_path))
    try:
        store.retrying(con, lambda c: audit.record(
            c, ADMIN, audit.RESTORED, subject=f"dbname=x password={password}",
            detail=f'DuckDB said: Unable to connect to Postgres at "dbname=x password={password}"',
            new=f"postgresql://scorecard:{password}@db.internal/scorecard"))
        row = con.execute("SELECT subject, detail, new_value FROM audit_event ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        con.close()
    assert all(password not in text for text in row), row
    assert "password=…" in row[1]

    try:
        raise RuntimeError(f"IO Error: cannot reach dbname=x password={password}")
    except RuntimeError as exc:
        errors.record(exc, "a test")
    assert password not in server_log.read_text() and "password=…" in server_log.read_text()


@pytest.mark.parametrize("text, hidden", [
    ("host=db password=plain-secret user=x", "plain-secret"),
    ("host=db password = 'quoted secret with spaces' user=x", "quoted secret with spaces"),
    ('{"password": "json secret"}', "json secret"),
    ("postgresql://scorecard:uri-secret@db.internal:5432/scorecard", "uri-secret"),
    ("motherduck_token=md-token-value", "md-token-value"),
])
def test_every_shape_of_a_secret_is_redacted(text, hidden):
    assert hidden not in redaction.redact(text)


def test_a_secret_the_deployment_holds_is_redacted_wherever_it_appears(monkeypatch, tmp_path):
    monkeypatch.setenv("PGPASSWORD", "env-held-secret")
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[postgres]\npassword = "file-held-secret"\n')
    monkeypatch.setenv("SCORECARD_SECRETS", str(secrets))
    said = redaction.redact("DuckDB echoed env-held-secret and file-held-secret in a sentence")
    assert "env-held-secret" not in said and "file-held-secret" not in said


def test_no_log_record_of_the_process_holds_a_password(caplog):
    """Streamlit's own logger (a widget callback's failure) as much as ours."""
    import logging

    errors.redact_every_log_record()
    password = "Callback-Secret-77"
    try:
        raise RuntimeError(f'Unable to connect to Postgres at "dbname=x password={password}"')
    except RuntimeError:
        logging.getLogger("streamlit.runtime.scriptrunner").error("callback failed for %s", f"password={password}",
                                                                  exc_info=True)
    assert caplog.records and password not in caplog.text
    assert "password=…" in caplog.text
