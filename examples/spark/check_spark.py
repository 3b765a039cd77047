"""Checks of the Spark stage against a direct ``accord run`` (used by examples/spark/test.sh).

    check_spark.py inputs CORPUS DIR      JSON lines (with bad lines) and Parquet of CORPUS
    check_spark.py compare DIRECT SPARK[=ID,ID...] ...

``compare`` reads the Parquet tables with Spark and checks them record by record against the
direct run's records.jsonl, mentions.csv and run.json: the same record ids, each record equal
after parsing (numbers compared as exact decimals), every item table equal to the records'
arrays, the same mentions in the same order, one rules digest, and the skipped table holding
exactly the ids given after ``=`` (none by default).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyspark.sql import SparkSession

#: Bad lines added to the JSON lines input: id -> line. Each must land in the skipped table.
BAD_LINES = {
    "bad-published": '{"id": "bad-published", "text": "Text.", "published": "14.06.2024"}',
    "bad-text": '{"id": "bad-text", "text": 42}',
    "bad-no-text": '{"id": "bad-no-text"}',
}

ITEM_TABLES = ("dates", "leaders", "money", "sectors", "countries")


def spark_session() -> SparkSession:
    """A quiet local session (partition columns read as strings)."""
    log4j = Path(__file__).with_name("log4j2.properties").resolve()
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("accord-check")
        .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{log4j}")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def corpus_articles(corpus: Path) -> list[dict[str, str]]:
    """Every ``*.txt`` under ``corpus`` as an article line, the way a folder run names it."""
    articles = []
    for path in sorted(corpus.rglob("*.txt")):
        text = path.read_text(encoding="utf-8").removeprefix("\ufeff")
        articles.append(
            {"id": path.stem, "source": path.relative_to(corpus).as_posix(), "text": text}
        )
    return articles


def make_inputs(corpus: Path, out: Path) -> None:
    """articles.jsonl (reversed order, bad lines between the articles, a blank line) and
    articles.parquet (in 5 files) from the corpus.
    """
    articles = corpus_articles(corpus)
    out.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(article, ensure_ascii=False) for article in reversed(articles)]
    for n, bad in enumerate(BAD_LINES.values()):
        lines.insert(7 * n + 3, bad)
    lines.insert(10, "")
    (out / "articles.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    spark = spark_session()
    frame = spark.createDataFrame(articles, "id string, source string, text string")
    frame = frame.selectExpr("*", "CAST(NULL AS DATE) AS published")
    frame.repartition(5).write.mode("overwrite").parquet(str(out / "articles.parquet"))
    spark.stop()


def exact(value: Any) -> Any:
    """``value`` with every number as a normalized Decimal (so 1220000000 from JSON equals
    Decimal('1220000000.0000000000') from Parquet, and 0.93 equals the double 0.93).
    """
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, float):
        return Decimal(repr(value)).normalize()
    if isinstance(value, (int, Decimal)):
        return Decimal(value).normalize()
    if isinstance(value, list):
        return [exact(item) for item in value]
    if isinstance(value, dict):
        return {key: exact(item) for key, item in value.items()}
    raise TypeError(f"unexpected {type(value)}")


def rows(spark: SparkSession, path: Path) -> list[dict[str, Any]]:
    """A Parquet table as plain dicts."""
    return [row.asDict(recursive=True) for row in spark.read.parquet(str(path)).collect()]


def compare(spark: SparkSession, direct: Path, out: Path, skipped_ids: list[str]) -> list[str]:
    """The differences between the Spark tables in ``out`` and the direct run in ``direct``."""
    problems: list[str] = []
    expected_digest = json.loads((direct / "run.json").read_text(encoding="utf-8"))["rules_digest"]
    with open(direct / "records.jsonl", encoding="utf-8") as lines:
        expected = [exact(json.loads(line, parse_float=Decimal)) for line in lines]
    by_id = {record["id"]: record for record in expected}
    if len(by_id) != len(expected):
        problems.append("the direct run has duplicate record ids")

    records = rows(spark, out / "records")
    digests = {row.pop("rules_digest") for row in records}
    got = {row["id"]: exact(row) for row in records}
    if len(got) != len(records):
        problems.append(f"{len(records) - len(got)} duplicate record ids in the Spark records")
    if set(got) != set(by_id):
        problems.append(
            f"record ids differ: only direct {sorted(set(by_id) - set(got))}, "
            f"only Spark {sorted(set(got) - set(by_id))}"
        )
    for record_id in sorted(set(got) & set(by_id)):
        if got[record_id] != by_id[record_id]:
            fields = sorted(
                k for k in by_id[record_id] if got[record_id].get(k) != by_id[record_id][k]
            )
            extra = sorted(set(got[record_id]) - set(by_id[record_id]))
            problems.append(f"record {record_id}: differs in {fields} (extra columns {extra})")

    for table in ITEM_TABLES:
        items: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
        for row in rows(spark, out / table):
            digests.add(row.pop("rules_digest"))
            key, item = row.pop("record_id"), row.pop("item")
            if row.pop("story") != by_id.get(key, {}).get("story") or row.pop(
                "language"
            ) != by_id.get(key, {}).get("language"):
                problems.append(f"{table}: story or language of {key} item {item} wrong")
            items[key].append((item, exact(row)))
        for record_id, record in by_id.items():
            listed = [
                entry for _, entry in sorted(items.get(record_id, []), key=lambda pair: pair[0])
            ]
            if listed != record[table]:
                problems.append(f"{table}: the items of {record_id} differ from the record's")
        if set(items) - set(by_id):
            problems.append(f"{table}: rows of unknown records {sorted(set(items) - set(by_id))}")

    with open(direct / "mentions.csv", encoding="utf-8", newline="") as file:
        expected_mentions = [
            dict(row, start=int(row["start"]), end=int(row["end"])) for row in csv.DictReader(file)
        ]
    mentions = sorted(
        rows(spark, out / "mentions"), key=lambda row: (row["record_id"], row["item"])
    )
    for row in mentions:
        digests.add(row.pop("rules_digest"))
        record = by_id.get(row["record_id"], {})
        if (row.pop("story"), row.pop("language")) != (record.get("story"), record.get("language")):
            problems.append(f"mentions: story or language of {row['record_id']} wrong")
        row.pop("item")
    expected_mentions.sort(key=lambda row: row["record_id"])  # stable: text order kept
    if mentions != expected_mentions:
        problems.append(
            f"mentions differ: {len(mentions)} rows from Spark, {len(expected_mentions)} direct"
        )

    skipped = rows(spark, out / "skipped")
    digests |= {row.pop("rules_digest") for row in skipped}
    if sorted(str(row["id"]) for row in skipped) != sorted(skipped_ids):
        problems.append(f"skipped: {skipped} (expected ids {sorted(skipped_ids)})")
    if digests != {expected_digest}:
        problems.append(f"rules digests {sorted(digests)}, direct run {expected_digest}")
    item_count = sum(len(record[table]) for record in expected for table in ITEM_TABLES)
    print(
        f"{out}: compared {len(got)} records, {item_count} items, "
        f"{len(mentions)} mentions, {len(skipped)} skipped with {direct}: "
        + ("equal" if not problems else f"{len(problems)} differences")
    )
    return problems


def main() -> None:
    """Command line: ``inputs`` or ``compare``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    inputs = commands.add_parser("inputs")
    inputs.add_argument("corpus", type=Path)
    inputs.add_argument("out", type=Path)
    check = commands.add_parser("compare")
    check.add_argument("direct", type=Path)
    check.add_argument("spark", nargs="+", help="an output folder, =ID,ID... its skipped ids")
    args = parser.parse_args()
    if args.command == "inputs":
        make_inputs(args.corpus, args.out)
        return
    spark = spark_session()
    failed = False
    for spec in args.spark:
        out, _, ids = spec.partition("=")
        problems = compare(spark, args.direct, Path(out), [i for i in ids.split(",") if i])
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        failed = failed or bool(problems)
    spark.stop()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
