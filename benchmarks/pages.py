"""Print how long the foundation's pages take to render, through the WSGI app in-process.

Usage: .venv/bin/python benchmarks/pages.py [repetitions]
Builds a throwaway SQLite database with reference and demo data, then times each page
(anonymous, and signed in as admin) and prints p50 and p95 in milliseconds.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

PAGES_ANONYMOUS = ["/", "/login", "/surveys/", "/accessibility"]
PAGES_ADMIN = ["/users", "/admin/reference", "/admin/audit", "/account"]


def timings(client, url: str, repetitions: int) -> list[float]:
    samples = []
    for _ in range(repetitions):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return samples


def main(repetitions: int) -> None:
    folder = Path(tempfile.mkdtemp())
    os.environ.update(ENGAGE_ENV="development", ENGAGE_DATABASE_URL=f"sqlite:///{folder}/b.db")
    from engage import create_app

    app = create_app()
    app.test_cli_runner().invoke(args=["engage", "prepare", "--demo"])
    anonymous = app.test_client()
    admin = app.test_client()
    token_page = admin.get("/login").get_data(as_text=True)
    token = token_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    admin.post(
        "/login",
        data={"email": "admin@example.org", "password": "engage-demo", "csrf_token": token},
    )
    print(f"{'page':<22}{'who':<11}{'p50 ms':>8}{'p95 ms':>8}")
    for who, client, pages in (
        ("anonymous", anonymous, PAGES_ANONYMOUS),
        ("admin", admin, PAGES_ADMIN),
    ):
        for url in pages:
            samples = timings(client, url, repetitions)
            p95 = statistics.quantiles(samples, n=20)[18]
            print(f"{url:<22}{who:<11}{statistics.median(samples):8.1f}{p95:8.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
