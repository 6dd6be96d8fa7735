"""Development data: the demo series and the generated dataset for benchmarks."""

from pathlib import Path

# The demo series that `make run` loads (manage.py load_demo) and the tests use.
DEMO_FILE = Path(__file__).resolve().parent / "systems-seminar.json"
