"""Benchmark: the cost of the rate limit shared by every Odoo process (PostgreSQL).

Each request to SuperOffice first reserves its slot in the connection's row of
``superoffice_rate_limit`` (``SharedRateLimiter.reserve``: one upsert in its own transaction on a
pooled connection). This prints what one reservation costs, from 1, 2 and 4 processes reserving
at once for the same connection (the contention of several workers), next to the per-process
limiter it replaced. The limit itself is set out of reach here, so nothing sleeps: the numbers
are the bookkeeping alone, to compare with a SuperOffice request (tens of milliseconds).

Usage (Odoo's Python; PostgreSQL from the PG* variables)::

    PGHOST=127.0.0.1 PGPORT=5433 PGUSER=odoo PGPASSWORD=odoo \\
      $ODOO_PYTHON bench/bench_rate_limit.py --odoo-path $ODOO_PATH --reservations 2000

A scratch database is created (with the budget table only) and dropped at the end. It prints
numbers and asserts nothing.
"""

import argparse
import multiprocessing
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TABLE = """
CREATE TABLE superoffice_rate_limit (
    id serial PRIMARY KEY, connection_id integer NOT NULL UNIQUE,
    window_start double precision, used integer
)
"""


def pg():
    return {
        "host": os.environ.get("PGHOST", "127.0.0.1"), "port": os.environ.get("PGPORT", "5433"),
        "user": os.environ.get("PGUSER", "odoo"), "password": os.environ.get("PGPASSWORD", "odoo"),
    }


def admin(sql):
    import psycopg2

    conn = psycopg2.connect(dbname="postgres", **pg())
    conn.autocommit = True
    conn.cursor().execute(sql)
    conn.close()


def setup_odoo(odoo_path):
    """Odoo's configuration (database server, addons path) in this process."""
    sys.path.insert(0, odoo_path)
    from odoo.tools import config

    p = pg()
    config.parse_config([
        "--db_host", p["host"], "--db_port", p["port"], "--db_user", p["user"],
        "--db_password", p["password"], "--log-level", "warn",
        "--addons-path", f"{odoo_path}/addons,{odoo_path}/odoo/addons,{ROOT}",
    ])


def reserve_many(args):
    """One process: ``count`` reservations; returns the seconds of each."""
    db, odoo_path, count = args
    setup_odoo(odoo_path)
    from odoo.addons.superoffice_connector.models.superoffice_rate_limit import (
        SharedRateLimiter,
    )

    limiter = SharedRateLimiter(db, 1, rate=10**9)
    limiter.reserve()  # the pool's first connection
    times = []
    for _i in range(count):
        started = time.perf_counter()
        limiter.acquire()
        times.append(time.perf_counter() - started)
    return times


def local_limiter(count):
    from superoffice_connector.api.transport import RateLimiter

    limiter = RateLimiter(10**9)
    started = time.perf_counter()
    for _i in range(count):
        limiter.acquire()
    return (time.perf_counter() - started) / count


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reservations", type=int, default=2000, help="per process")
    parser.add_argument("--odoo-path", default=os.environ.get("ODOO_PATH"),
                        required=not os.environ.get("ODOO_PATH"), help="Odoo 19 source tree")
    args = parser.parse_args()
    db = f"so_bench_rate_{uuid.uuid4().hex[:8]}"
    admin(f'CREATE DATABASE "{db}"')
    try:
        import psycopg2

        conn = psycopg2.connect(dbname=db, **pg())
        with conn, conn.cursor() as cr:
            cr.execute(TABLE)
        conn.close()
        print(f"per-process limiter (before): {local_limiter(args.reservations) * 1e6:8.1f} µs "
              "per request")
        context = multiprocessing.get_context("spawn")
        for processes in (1, 2, 4):
            with context.Pool(processes) as pool:
                started = time.perf_counter()
                results = pool.map(reserve_many, [(db, args.odoo_path, args.reservations)]
                                   * processes)
                wall = time.perf_counter() - started
            times = sorted(t for result in results for t in result)
            total = len(times)
            print(f"shared limiter, {processes} process(es): "
                  f"median {statistics.median(times) * 1e3:6.2f} ms, "
                  f"p99 {times[int(total * 0.99)] * 1e3:6.2f} ms per request; "
                  f"{total / wall:8.0f} reservations/s in all")
    finally:
        admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


if __name__ == "__main__":
    main()
