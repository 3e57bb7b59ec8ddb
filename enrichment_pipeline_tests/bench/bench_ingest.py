"""Benchmark: reading and validating an upload, against bare-library references in the same run.

    python -m enrichment_pipeline_tests.bench.bench_ingest [--rows 100000]

Prints wall time per stage and ratios:
- read_upload vs pandas.read_csv(dtype=str, keep_default_na=False) and vs a bare csv.reader
  loop (what "just reading the file" costs);
- validate_records vs a bare loop over the same libraries (usaddress.parse, phonenumbers
  parse + is_valid, urlsplit) with no caching: the floor for doing this work row by row.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import random
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

import pandas as pd
import phonenumbers
import usaddress

from enrichment_pipeline.core.ingest import read_upload
from enrichment_pipeline.core.normalize import validate_records

T = TypeVar("T")

STREETS = (
    "Main St", "Biscayne Blvd", "Orange Blossom Trl", "Dixie Hwy", "Colonial Dr",
    "Kennedy Blvd", "Blanding Blvd", "Tamiami Trl N", "Overseas Hwy", "Bee Ridge Rd",
)  # fmt: skip
CITIES = (
    ("Miami", "305", "331"), ("Orlando", "407", "328"), ("Tampa", "813", "336"),
    ("Jacksonville", "904", "322"), ("Ocala", "352", "344"), ("Naples", "239", "341"),
)  # fmt: skip
KINDS = ("Ford", "Toyota", "Honda", "Chevrolet", "Nissan", "Kia", "Motors", "Auto Sales")


def write_upload(path: Path, rows: int, seed: int = 42) -> None:
    """A realistic upload: unique names, addresses and phones; a website on a third of rows;
    a few percent of duplicates and junk rows."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Dealer Name", "Address", "City", "State", "Zip", "Phone", "Website"])
        for index in range(rows):
            city, area, zip3 = rng.choice(CITIES)
            name = f"{city} {rng.choice(KINDS)} {index}"
            phone = f"({area}) {rng.randrange(200, 999)}-{rng.randrange(0, 10_000):04d}"
            address = f"{rng.randrange(1, 20_000)} {rng.choice(STREETS)}"
            zip_code = f"{zip3}{rng.randrange(0, 100):02d}"
            site = f"https://www.dealer{index}.example/?utm_source=list" if index % 3 == 0 else ""
            if index % 50 == 0:
                name = ""  # junk row
            elif index % 40 == 0:
                address, city = f"{address}, {city}, FL {zip_code}", ""
            writer.writerow([name, address, city, "FL", zip_code, phone, site])


def timed(label: str, action: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = action()
    elapsed = time.perf_counter() - start
    print(f"{label:<58} {elapsed:8.3f} s")
    return result, elapsed


def bare_csv(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle))


def bare_libraries(frame: pd.DataFrame) -> int:
    valid = 0
    for address, phone, website in zip(
        frame["address"], frame["phone"], frame["website"], strict=True
    ):
        usaddress.parse(address)
        with contextlib.suppress(phonenumbers.NumberParseException):
            valid += phonenumbers.is_valid_number(phonenumbers.parse(phone, "US"))
        if website:
            urlsplit(website)
    return valid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench upload.csv"
        write_upload(path, args.rows)
        size_mb = path.stat().st_size / 1024 / 1024
        print(f"{args.rows:,} rows, {size_mb:.1f} MB\n")
        _, t_csv = timed("reference: bare csv.reader loop", lambda: bare_csv(path))
        _, t_pandas = timed(
            "reference: pandas.read_csv(dtype=str, keep_default_na=False)",
            lambda: pd.read_csv(path, dtype=str, keep_default_na=False),
        )
        upload, t_read = timed("read_upload", lambda: read_upload(path))
        _, t_floor = timed(
            "reference: bare usaddress + phonenumbers + urlsplit loop",
            lambda: bare_libraries(upload.frame),
        )
        result, t_validate = timed("validate_records", lambda: validate_records(upload.frame))
        print()
        print(f"read_upload / bare csv.reader         {t_read / t_csv:6.2f}x")
        print(f"read_upload / pandas.read_csv         {t_read / t_pandas:6.2f}x")
        print(f"validate_records / bare library loop  {t_validate / t_floor:6.2f}x")
        print(f"rows per second, read + validate      {args.rows / (t_read + t_validate):,.0f}")
        print(
            f"valid {len(result.valid):,}, rejected {len(result.rejected):,}, duplicates "
            f"{int(result.valid['duplicate_of'].notna().sum()):,}"
        )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS                              {peak:,.0f} MB")


if __name__ == "__main__":
    main()
