"""The static security scan (bandit) over our code: medium and high findings must be fixed
or justified in place with a `# nosec <id>` and a comment saying why."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bandit_finds_nothing_unjustified():
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-q", "-r", "bot", "adapters", "-ll",
         "-f", "custom", "--msg-template", "{relpath}:{line} {test_id} {msg}"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    findings = [line for line in result.stdout.splitlines() if line.strip()]
    assert result.returncode == 0 and not findings, "\n".join(findings) or result.stderr[-2000:]
