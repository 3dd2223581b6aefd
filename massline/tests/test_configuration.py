"""Start-up with a wrong configuration or an unreachable database stops with one clear line."""

import os
import subprocess
import sys

import pytest


def run_massline(*args, **env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY", "DEBUG")}
    env.update({"DEBUG": "true"})
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-m", "massline", *args], capture_output=True, text=True, env=env, timeout=120
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "mysql2://nowhere/x"),
        ("TIME_ZONE", "Mars/Olympus_Mons"),
        ("MASSLINE_LANGUAGE", "fr"),
        ("DEBUG", "perhaps"),
        ("MASSLINE_LOGIN_FAILURE_LIMIT", "five"),
    ],
)
def test_a_wrong_setting_stops_start_up_naming_the_variable(variable, value):
    result = run_massline("check", **{variable: value})
    assert result.returncode == 2, result.stderr
    assert variable in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_production_without_a_secret_key_refuses_to_start():
    result = run_massline("check", DEBUG="false", ALLOWED_HOSTS="example.org")
    assert result.returncode == 2
    assert "SECRET_KEY" in result.stderr


def test_the_secret_key_can_come_from_a_file(tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text("a-very-long-secret-key-read-from-a-file-0123456789-abcdefghijklmnop\n")
    result = run_massline("check", DEBUG="false", ALLOWED_HOSTS="example.org", SECRET_KEY_FILE=str(key_file))
    assert result.returncode == 0, result.stderr
    result = run_massline("check", DEBUG="false", SECRET_KEY_FILE=str(tmp_path / "missing"))
    assert result.returncode == 2 and "SECRET_KEY_FILE" in result.stderr


def test_an_unreachable_database_gives_one_line_and_no_traceback():
    result = run_massline("migrate", DATABASE_URL="postgres://nobody@127.0.0.1:1/none")
    assert result.returncode == 3
    assert "DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
