"""The `flask` CLI starts quickly: heavy libraries load where they are used, not at start."""

import json
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pandas", "numpy", "openpyxl", "xlsxwriter", "fpdf", "PIL", "authlib", "requests")
LOADED = (
    "import json, sys; from flask.cli import ScriptInfo; "
    "ScriptInfo(app_import_path='app.py').load_app(); "
    "print(json.dumps(sorted(name for name in sys.modules if '.' not in name)))"
)


def test_building_the_app_loads_no_heavy_library():
    result = subprocess.run(
        [sys.executable, "-c", LOADED], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    loaded = set(json.loads(result.stdout.splitlines()[-1]))
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))
