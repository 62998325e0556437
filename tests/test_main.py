"""The command line in a subprocess: backup, and what `run` says about bad configuration."""
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def bot(*args, env=None, stdin=b""):
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, cwd=ROOT,
                          env={**os.environ, **(env or {})}, timeout=120)


def test_backup_writes_a_consistent_copy_and_never_overwrites(tmp_path):
    db = tmp_path / "live.db"
    bot("console", "--jsonl", "--db", str(db), stdin=b"/region GB\n")
    copy = tmp_path / "copy.db"
    result = bot("backup", str(copy), env={"HAVEN_DB_PATH": str(db)})
    assert result.returncode == 0, result.stderr.decode()
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT country FROM member_region").fetchall() == [("GB",)]
    again = bot("backup", str(copy), env={"HAVEN_DB_PATH": str(db)})
    assert again.returncode == 2 and "already exists" in again.stderr.decode()


def test_backup_of_a_missing_database_is_a_clear_error(tmp_path):
    result = bot("backup", str(tmp_path / "copy.db"), env={"HAVEN_DB_PATH": str(tmp_path / "none.db")})
    assert result.returncode == 2 and "no database" in result.stderr.decode()
    assert not (tmp_path / "none.db").exists()


def test_an_unwritable_database_path_is_one_line_and_exit_2(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = bot("console", "--jsonl", "--db", str(blocker / "haven.db"), stdin=b"hi\n")
    assert result.returncode == 2
    err = result.stderr.decode().strip()
    assert err.startswith("haven: cannot open database") and "Traceback" not in err


def test_a_malformed_slack_token_stops_run_before_anything_starts(tmp_path):
    result = bot("run", env={"SLACK_BOT_TOKEN": "not-a-bot-token", "HAVEN_DB_PATH": str(tmp_path / "h.db")})
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" in result.stderr.decode() and "not-a-bot-token" not in result.stderr.decode()


def test_json_logs_carry_ids_and_kinds_never_text():
    words = "i took the whole bottle of pills tonight purple-elephant"
    result = bot("console", "--jsonl", env={"HAVEN_LOG_LEVEL": "DEBUG", "HAVEN_LOG_FORMAT": "json"},
                 stdin=(json.dumps({"text": words, "channel": "general"}) + "\n").encode())
    records = [json.loads(line) for line in result.stderr.decode().splitlines() if line.startswith("{")]
    handled = [r for r in records if r["message"] == "event handled"]
    assert handled and handled[0]["reply_kind"] == "crisis" and handled[0]["event_id"]
    assert "purple-elephant" not in result.stderr.decode()


def test_migrate_db_copies_everything_verifies_and_is_idempotent(tmp_path):
    source = tmp_path / "source.db"
    bot("console", "--jsonl", "--db", str(source),
        stdin=b'/region GB\n{"text": "i want to end my life", "channel": "general"}\n')
    target = tmp_path / "target.db"
    first = bot("migrate-db", "--from", f"sqlite:///{source}", "--to", f"sqlite:///{target}")
    assert first.returncode == 0, first.stderr.decode()
    assert "escalation: 1 rows verified (1 copied now)" in first.stdout.decode()
    again = bot("migrate-db", "--from", f"sqlite:///{source}", "--to", f"sqlite:///{target}")
    assert again.returncode == 0 and "escalation: 1 rows verified (0 copied now)" in again.stdout.decode()
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT country FROM member_region").fetchall() == [("GB",)]
    same = bot("migrate-db", "--from", f"sqlite:///{source}", "--to", f"sqlite:///{source}")
    assert same.returncode == 2 and "same database" in same.stderr.decode()


def test_a_database_url_of_another_kind_is_refused_without_echoing_it():
    result = bot("console", "--jsonl", env={"DATABASE_URL": "mysql://user:hunter2@db/haven"}, stdin=b"hi\n")
    assert result.returncode == 2
    assert "DATABASE_URL" in result.stderr.decode() and "hunter2" not in result.stderr.decode()


def test_shard_flags_are_validated_before_anything_connects(tmp_path):
    result = bot("run", "--shards", "0-9", "--shard-count", "8",
                 env={"DISCORD_TOKEN": "x.y.z", "HAVEN_DB_PATH": str(tmp_path / "h.db")})
    assert result.returncode == 2
    assert "HAVEN_DISCORD_SHARDS" in result.stderr.decode() and "below the shard count 8" in result.stderr.decode()
