"""Rules of the code base that a test can hold: engines stay pure, migrations stay complete."""

import ast
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command

from jusoor.core.paths import REPOSITORY

ENGINES = REPOSITORY / "jusoor" / "engines"


def test_engines_never_import_django_or_apps():
    offenders = []
    for path in ENGINES.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name.split(".")[0] == "django" or (
                    name.startswith("jusoor.") and not name.startswith("jusoor.engines")
                ):
                    offenders.append(f"{path.relative_to(REPOSITORY)}: {name}")
    assert offenders == []


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exc:  # makemigrations --check exits 1 when something is missing
        pytest.fail(f"missing migrations:\n{out.getvalue()} ({exc})")


def test_deploy_check_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "JUSOOR_ENV": "production",
        "SECRET_KEY": "x" * 64 + "-production-check-secret-with-enough-entropy-1234567890",
        "ALLOWED_HOSTS": "jusoor.example.org",
        "JUSOOR_PII_KEY": "dGVzdC1rZXktMzItYnl0ZXMtbG9uZy0xMjM0NTY3ODk=",
        "JUSOOR_DATA_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPOSITORY,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {
        **os.environ,
        "JUSOOR_ENV": "production",
        "ALLOWED_HOSTS": "x.org",
        "JUSOOR_DATA_DIR": str(tmp_path),
    }
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPOSITORY,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_a_personal_data_key(tmp_path):
    env = {
        **os.environ,
        "JUSOOR_ENV": "production",
        "ALLOWED_HOSTS": "x.org",
        "SECRET_KEY": "s" * 60,
        "JUSOOR_DATA_DIR": str(tmp_path),
    }
    env.pop("JUSOOR_PII_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPOSITORY,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "personal-data key" in result.stderr


def test_readme_quick_start_has_exactly_the_two_commands():
    readme = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = [line.strip() for line in quick.splitlines() if line.strip().startswith("make ")]
    assert commands == ["make demo", "make test"]
