"""The console JSONL protocol end to end, through a real subprocess."""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run(lines: list[bytes], *args: str, env: dict | None = None, timeout: int = 120):
    return subprocess.run(
        [sys.executable, "-m", "bot", "console", "--jsonl", *args],
        input=b"".join(line + b"\n" for line in lines),
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=timeout,
    )


def outputs(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.decode().splitlines()]


def test_one_json_line_per_input_line_in_order_whatever_comes_in():
    lines = [
        b"what is ketamine",
        b'{"text": "i want to end my life tonight", "channel": "general", "user": "ana"}',
        b'{"text": "@haven how fast does ketamine work", "channel": "general"}',
        b'{"text": "nice weather", "channel": "general"}',
        b"/help",
        b'{"text": ',
        b"[1, 2, 3]",
        b"caf\xe9 \xff\xfe",
        b"",
        b"bell\x07 and \x1b[31mescape\x1b[0m",
        b"x" * 100_000,
        b'{"text": "what is ketamine", "user": 5}',
        b"hello",
    ]
    result = run(lines)
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    out = outputs(result)
    assert len(out) == len(lines)
    kinds = [o["kind"] for o in out]
    assert kinds[0] == "faq" and out[0]["topic"]
    assert kinds[1] == "crisis"
    assert {o["to"] for o in out[1]["outputs"]} == {"member", "moderators"}
    assert kinds[2] == "faq" and out[2]["outputs"][0]["to"] == "channel"
    assert kinds[3] == "none" and out[3]["outputs"] == []
    assert kinds[4] == "command"
    assert kinds[5:8] == ["error", "error", "error"]
    assert "UTF-8" in out[7]["error"]
    assert kinds[8] == "none"
    assert kinds[9] in ("fallback", "smalltalk", "none")
    assert kinds[10] in ("fallback", "none")
    assert kinds[11] == "error"
    assert kinds[12] == "smalltalk"
    assert out[4]["input"] == "/help" and out[0]["input"] == "what is ketamine"


def test_answers_cite_their_source():
    out = outputs(run([b"who wrote this information"]))[0]
    text = out["outputs"][0]["text"]
    assert "yalemedicine.org" in text and "Source:" in text


def test_stdout_holds_only_protocol_lines_and_logs_never_hold_message_text(tmp_path):
    secret_words = "i am going to jump off the bridge tonight zebra-umbrella"
    result = run([json.dumps({"text": secret_words, "channel": "general"}).encode()],
                 env={"HAVEN_LOG_LEVEL": "DEBUG"})
    assert len(result.stdout.decode().splitlines()) == 1
    assert "zebra-umbrella" not in result.stderr.decode()


def test_a_database_path_keeps_state_between_runs(tmp_path):
    db = tmp_path / "keep.db"
    run([b"/region DE"], "--db", str(db))
    out = outputs(run([b"/crisis"], "--db", str(db)))[0]
    assert "TelefonSeelsorge" in out["outputs"][0]["text"]


def test_without_a_database_path_runs_are_repeatable():
    run([b"/region DE"])
    out = outputs(run([b"/crisis"]))[0]
    assert "988" in out["outputs"][0]["text"]


def test_bad_configuration_is_one_line_and_exit_status_2():
    result = run([b"hello"], env={"HAVEN_LOG_LEVEL": "chatty"})
    assert result.returncode == 2
    err = result.stderr.decode().strip()
    assert err.startswith("haven: HAVEN_LOG_LEVEL") and "Traceback" not in err and len(err.splitlines()) == 1


def test_broken_content_is_one_line_naming_the_file_and_exit_status_2(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    faq = content / "faq.yaml"
    faq.write_text(faq.read_text().replace("id:", "idd:", 1))
    result = run([b"hello"], env={"HAVEN_CONTENT_DIR": str(content)})
    assert result.returncode == 2
    err = result.stderr.decode().strip()
    assert "faq.yaml" in err and "Traceback" not in err


def test_a_database_from_a_newer_haven_is_refused_and_left_alone(tmp_path):
    db = tmp_path / "newer.db"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 999")
    result = run([b"hello"], "--db", str(db))
    assert result.returncode == 2 and "newer" in result.stderr.decode()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 999


def test_the_scripted_mode_answers_every_line_however_fast():
    out = outputs(run([b"what is ketamine"] * 60))
    assert [o["kind"] for o in out] == ["faq"] * 60


def test_questions_get_their_topic_kind_and_cited_source():
    cases = {
        "roughly how many adults in the us live with depression": "depression-how-common",
        "how soon could someone feel better after ketamine": "how-fast-it-works",
        "what exactly is spravato": "spravato-esketamine",
        "what are the side effects": "side-effects",
    }
    out = outputs(run([q.encode() for q in cases]))
    for o, (question, topic) in zip(out, cases.items()):
        assert o["input"] == question
        assert o["topic"] == topic
        assert o["kind"] == ("medical" if topic == "side-effects" else "faq")
        text = o["outputs"][0]["text"]
        assert "Ketamine & Depression: How it Works" in text and "https://www.yalemedicine.org/news/ketamine-depression" in text
        assert "not medical advice" in text


def test_the_whole_crisis_flow_through_the_protocol(tmp_path):
    lines = [
        {"text": "i want to end my life tonight", "channel": "general", "user": "ana"},
        {"button": "esc:ack:1", "user": "eve", "channel": "mods"},
        {"button": "esc:ack:1", "user": "mo", "channel": "mods", "moderator": True},
        {"text": "/escalations", "user": "mo", "channel": "mods", "moderator": True},
        {"button": "esc:resolve:1", "user": "mo", "channel": "mods", "moderator": True},
        {"text": "/escalations", "user": "mo", "channel": "mods", "moderator": True},
    ]
    out = outputs(run([json.dumps(line).encode() for line in lines]))
    crisis, refused, acked, queue, resolved, empty = out
    assert crisis["kind"] == "crisis"
    assert [o["to"] for o in crisis["outputs"]] == ["member", "moderators"]
    assert "911" in crisis["outputs"][0]["text"] and "988" in crisis["outputs"][0]["text"]
    assert crisis["outputs"][1]["buttons"][0]["value"] == "esc:ack:1"
    assert "Only this community's moderators" in refused["outputs"][0]["text"]
    assert "is reaching out" in acked["outputs"][0]["text"]
    assert "#1 imminent" in queue["outputs"][0]["text"] and "end my life" not in queue["outputs"][0]["text"]
    assert "resolved by mo" in resolved["outputs"][0]["text"]
    assert "No open crisis alerts" in empty["outputs"][0]["text"]
