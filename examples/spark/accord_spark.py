r"""accord as a stage in Apache Spark.

Reads articles (a folder of UTF-8 ``*.txt`` files, JSON lines or Parquet with ``id``, ``text``
and optionally ``published``, ``source``, ``url``, ``language``), runs ``accord run --input -``
once per partition with the articles as JSON lines on its standard input, and writes Parquet
tables ``records``, ``mentions``, ``leaders``, ``money``, ``dates``, ``sectors`` and
``countries`` (partitioned by ``language``) and ``skipped`` under the output folder, each row
with the ``rules_digest`` of the rules that produced it.

The binary and the rules folder travel with the job (``SparkContext.addFile``) unless
``--accord-on-nodes`` says the binary is at the same path on every node. The reference date is
required, so every partition resolves relative dates alike, and the records are the same as a
direct ``accord run`` on the same articles, however they are partitioned.

Run with spark-submit (see examples/spark/run.sh):

    spark-submit --master 'local[2]' examples/spark/accord_spark.py \
        --input ARTICLES --out OUT --accord target/release/accord --rules rules \
        --reference-date 2026-01-15
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import unquote, urlparse

from pyspark import RDD, SparkFiles, StorageLevel
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import (
    ArrayType,
    DecimalType,
    DoubleType,
    LongType,
    StringType,
    StructField,
    StructType,
)

#: accord's exit status when some articles were skipped: the partition still succeeded.
EXIT_SKIPPED = 3

#: The fields of an article that accord's stream mode reads; others are not sent.
ARTICLE_FIELDS = ("id", "text", "source", "url", "published", "language")

#: Money amounts are exact decimals in accord; 28 integer and 10 fractional digits hold them.
AMOUNT = DecimalType(38, 10)


def _struct(*fields: tuple[str, object]) -> StructType:
    """A struct type of nullable fields, given as (name, type) pairs."""
    return StructType([StructField(name, kind, True) for name, kind in fields])  # type: ignore[arg-type]


#: The items of a record, per table (docs/records.schema.json).
ITEM_SCHEMAS: dict[str, StructType] = {
    "dates": _struct(
        ("text", StringType()),
        ("start", LongType()),
        ("end", LongType()),
        ("value", StringType()),
        ("kind", StringType()),
        ("year_source", StringType()),
        ("rule", StringType()),
    ),
    "leaders": _struct(
        ("name", StringType()),
        ("text", StringType()),
        ("title", StringType()),
        ("country", StringType()),
        ("mentions", LongType()),
        ("start", LongType()),
        ("end", LongType()),
        ("rule", StringType()),
    ),
    "money": _struct(
        ("text", StringType()),
        ("start", LongType()),
        ("end", LongType()),
        ("amount", AMOUNT),
        ("amount_max", AMOUNT),
        ("currency", StringType()),
        ("qualifier", StringType()),
        ("rule", StringType()),
    ),
    "sectors": _struct(
        ("id", StringType()),
        ("label", StringType()),
        ("mentions", LongType()),
        ("evidence", ArrayType(StringType())),
        ("rule", StringType()),
    ),
    "countries": _struct(
        ("code", StringType()),
        ("name", StringType()),
        ("mentions", LongType()),
    ),
}

#: One line of records.jsonl.
RECORD_SCHEMA = _struct(
    ("id", StringType()),
    ("source", StringType()),
    ("story", LongType()),
    ("title", StringType()),
    ("language", StringType()),
    ("language_confidence", DoubleType()),
    ("published", StringType()),
    ("event_date", StringType()),
    ("dates", ArrayType(ITEM_SCHEMAS["dates"])),
    ("leaders", ArrayType(ITEM_SCHEMAS["leaders"])),
    ("money", ArrayType(ITEM_SCHEMAS["money"])),
    ("sectors", ArrayType(ITEM_SCHEMAS["sectors"])),
    ("countries", ArrayType(ITEM_SCHEMAS["countries"])),
    ("warnings", ArrayType(StringType())),
)

#: One row of mentions.csv, with the record's story and language.
MENTION_SCHEMA = _struct(
    ("record_id", StringType()),
    ("story", LongType()),
    ("language", StringType()),
    ("item", LongType()),
    ("kind", StringType()),
    ("text", StringType()),
    ("value", StringType()),
    ("start", LongType()),
    ("end", LongType()),
    ("rule", StringType()),
)

#: An article that gave no record: its id when known, accord's source and the reason.
SKIPPED_SCHEMA = _struct(("id", StringType()), ("source", StringType()), ("reason", StringType()))

#: What each partition emits: a kind (record, mentions of a record, skipped, stats), the rules
#: digest and a JSON payload, parsed into the tables above on the JVM side (exact decimals).
STAGE_SCHEMA = _struct(
    ("kind", StringType()), ("rules_digest", StringType()), ("payload", StringType())
)


@dataclass(frozen=True)
class Stage:
    """How every task runs accord."""

    accord: str
    rules: str
    reference_date: str
    threads: int
    shipped: bool

    def command(self, out: str) -> list[str]:
        """The accord command line for one partition writing into the folder ``out``."""
        accord, rules = self.accord, self.rules
        if self.shipped:
            accord, rules = SparkFiles.get(accord), SparkFiles.get(rules)
            if not os.access(accord, os.X_OK):
                os.chmod(accord, 0o755)
        return [
            accord, "run", "--input", "-", "--out", out, "--format", "jsonl,csv",
            "--rules", rules, "--reference-date", self.reference_date,
            "--threads", str(self.threads), "--quiet",
        ]  # fmt: skip


@dataclass(frozen=True)
class Article:
    """One line for accord's standard input, with the id it carries (if readable), or an
    input that cannot be sent (then ``line`` is empty and ``skip`` says why).
    """

    line: str
    id: str | None
    source: str | None = None
    skip: str | None = None


def run_partition(articles: Iterable[Article], stage: Stage) -> Iterator[tuple[str, str, str]]:
    """Runs accord once over a partition's articles and yields its outputs as stage rows.

    Raises (so that Spark retries the task) when accord exits with a status other than 0 or 3;
    a bad article is accord's to skip, and comes back as a ``skipped`` row.
    """
    ids: list[str | None] = []
    unsent: list[Article] = []
    with tempfile.TemporaryDirectory(prefix="accord-spark-") as work:
        out = os.path.join(work, "out")
        with open(os.path.join(work, "stderr"), "w+b") as stderr:
            process = subprocess.Popen(
                stage.command(out), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=stderr
            )
            assert process.stdin is not None
            try:
                for article in articles:
                    if article.skip is not None:
                        unsent.append(article)
                        continue
                    ids.append(article.id)
                    process.stdin.write(article.line.encode("utf-8") + b"\n")
                process.stdin.close()
            except BrokenPipeError:
                pass  # accord stopped early: its exit status says why
            status = process.wait()
            if status not in (0, EXIT_SKIPPED):
                raise RuntimeError(
                    f"accord exited with status {status} on a partition of {len(ids)} "
                    f"articles: {_tail(stderr)}"
                )
        yield from _partition_outputs(Path(out), ids, unsent)


def _tail(stream: IO[bytes], limit: int = 2000) -> str:
    """The last ``limit`` bytes of a captured stream, as text."""
    stream.seek(0)
    return stream.read()[-limit:].decode("utf-8", "replace").strip()


def _partition_outputs(
    out: Path, ids: list[str | None], unsent: list[Article]
) -> Iterator[tuple[str, str, str]]:
    """Stage rows from one accord output folder; ``ids[n]`` is the id sent on line n + 1 and
    ``unsent`` the inputs that could not be sent.
    """
    summary = json.loads((out / "run.json").read_text(encoding="utf-8"))
    digest: str = summary["rules_digest"]
    for article in unsent:
        unsent_entry = {"id": article.id, "source": article.source, "reason": article.skip}
        yield "skipped", digest, json.dumps(unsent_entry, ensure_ascii=False)
    stories: dict[str, tuple[int, str]] = {}
    with open(out / "records.jsonl", encoding="utf-8") as records:
        for line in records:
            record = json.loads(line)
            stories[record["id"]] = (record["story"], record["language"])
            yield "record", digest, line
    numbered: dict[str, int] = {}
    with open(out / "mentions.csv", encoding="utf-8", newline="") as mentions:
        reader = csv.reader(mentions)
        header = next(reader, [])
        rows = (dict(zip(header, fields, strict=True)) for fields in reader)
        # One stage row per record's run of mentions: far fewer rows to hand to the JVM.
        for record_id, group in itertools.groupby(rows, key=lambda row: row["record_id"]):
            story, language = stories[record_id]
            batch = []
            for row in group:
                numbered[record_id] = numbered.get(record_id, 0) + 1
                mention: dict[str, object] = {**row, "story": story, "language": language}
                mention.update(
                    item=numbered[record_id], start=int(row["start"]), end=int(row["end"])
                )
                batch.append(mention)
            yield "mentions", digest, json.dumps(batch, ensure_ascii=False)
    stats = {"articles": len(ids) + len(unsent), "mentions": sum(numbered.values())}
    yield "stats", digest, json.dumps(stats)
    for skipped in summary["skipped"]:
        source: str = skipped["source"]
        article_id = None
        if source.startswith("stdin:") and source[6:].isdigit() and 0 < int(source[6:]) <= len(ids):
            article_id = ids[int(source[6:]) - 1]
        entry = {"id": article_id, "source": source, "reason": skipped["reason"]}
        yield "skipped", digest, json.dumps(entry, ensure_ascii=False)


def article_from_fields(fields: dict[str, object]) -> Article:
    """An article line from a row of named fields (None values are left out)."""
    line = {}
    for name in ARTICLE_FIELDS:
        value = fields.get(name)
        if value is not None:
            line[name] = value.isoformat() if hasattr(value, "isoformat") else value
    article_id = fields.get("id")
    return Article(
        json.dumps(line, ensure_ascii=False), None if article_id is None else str(article_id)
    )


def article_from_line(line: str) -> Article:
    """A JSON line passed to accord as it is; accord judges it (and skips it if bad)."""
    try:
        fields = json.loads(line)
        article_id = fields.get("id") if isinstance(fields, dict) else None
    except ValueError:
        article_id = None
    return Article(line, article_id if isinstance(article_id, str) else None)


def article_from_file(path: str, content: bytes, root: str) -> Article:
    """A ``*.txt`` file as accord's folder run sees it: id = stem, source = path under root.

    Only UTF-8 is decoded here (a UTF-8 byte-order mark is dropped); any other file goes to the
    skipped table (accord's folder run would detect its encoding: convert such files first).
    """
    relative = _relative(path, root)
    stem = relative.rsplit("/", 1)[-1].removesuffix(".txt")
    try:
        text = content.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        reason = "not UTF-8: convert it to UTF-8 (or run accord on the folder directly)"
        return Article("", stem, relative, reason)
    return article_from_fields({"id": stem, "source": relative, "text": text})


def _relative(path: str, root: str) -> str:
    """``path`` (a URI from Spark) relative to the folder ``root`` (a URI), with ``/``."""
    file_path = unquote(urlparse(path).path)
    root_path = unquote(urlparse(root).path).rstrip("/")
    if file_path.startswith(root_path + "/"):
        return file_path[len(root_path) + 1 :]
    return file_path.rsplit("/", 1)[-1]


def read_articles(spark: SparkSession, source: str, kind: str) -> RDD[Article]:
    """The articles at ``source`` (kind: text, jsonl or parquet) as an RDD of lines."""
    if kind == "text":
        root = source if urlparse(source).scheme else Path(source).resolve().as_uri()
        files = (
            spark.read.format("binaryFile")
            .option("pathGlobFilter", "*.txt")
            .option("recursiveFileLookup", "true")
            .load(source)
            .select("path", "content")
        )
        return files.rdd.map(lambda row: article_from_file(row.path, bytes(row.content), root))
    if kind == "jsonl":
        lines = spark.read.text(source).rdd.map(lambda row: row.value)
        return lines.filter(lambda line: line.strip() != "").map(article_from_line)
    if kind == "parquet":
        frame = spark.read.parquet(source)
        wanted = [name for name in ARTICLE_FIELDS if name in frame.columns]
        if "id" not in wanted or "text" not in wanted:
            raise SystemExit(f"{source}: Parquet articles need the columns `id` and `text`")
        return frame.select(*wanted).rdd.map(lambda row: article_from_fields(row.asDict()))
    raise SystemExit(f"unknown input format {kind!r}")


def guess_format(source: str) -> str:
    """Text for a folder of .txt files, jsonl for .jsonl/.json, parquet for .parquet or a
    folder of Parquet files.
    """
    lower = source.rstrip("/").lower()
    if lower.endswith((".jsonl", ".json", ".ndjson")):
        return "jsonl"
    if lower.endswith(".parquet"):
        return "parquet"
    local = Path(source)
    if local.is_dir() and any(local.glob("*.parquet")):
        return "parquet"
    return "text"


def rules_digest(accord: str, rules: str, reference_date: str) -> str:
    """Runs accord on no articles in the driver: checks the binary and rules before any task
    starts, and gives the digest the tasks will report.
    """
    with tempfile.TemporaryDirectory(prefix="accord-spark-") as out:
        command = [
            accord, "run", "--input", "-", "--out", out, "--format", "jsonl",
            "--rules", rules, "--reference-date", reference_date, "--quiet",
        ]  # fmt: skip
        done = subprocess.run(command, input=b"", capture_output=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"accord cannot run: {done.stderr.decode('utf-8', 'replace').strip()}")
        summary = json.loads(Path(out, "run.json").read_text(encoding="utf-8"))
    return str(summary["rules_digest"])


def write(frame: DataFrame, path: str, order: list[str], by_language: bool = True) -> None:
    """Writes a table as Parquet, rows in a fixed order, partitioned by language."""
    writer = frame.orderBy(*order).write.mode("overwrite")
    if by_language:
        writer = writer.partitionBy("language")
    writer.parquet(path)


def item_table(records: DataFrame, name: str) -> DataFrame:
    """One row per item of a record's ``name`` array, with the record's keys and a 1-based
    ``item`` number in the record's order.
    """
    keys: list[Column] = [
        F.col("id").alias("record_id"), F.col("story"), F.col("language"), F.col("rules_digest")
    ]  # fmt: skip
    exploded = records.select(*keys, F.posexplode(name).alias("position", "entry"))
    return exploded.select(
        "record_id", "story", "language", "rules_digest",
        (F.col("position") + 1).alias("item"), "entry.*",
    )  # fmt: skip


def summarize(
    outputs: DataFrame, digest: str, partitions: int, seconds: float
) -> dict[str, object]:
    """Counts of the stage's outputs, the digests the tasks reported and the speed."""
    counts: dict[str, int] = {row[0]: row[1] for row in outputs.groupBy("kind").count().collect()}
    stats = outputs.where(F.col("kind") == "stats")
    total = stats.agg(
        F.sum(F.get_json_object("payload", "$.articles").cast("long")),
        F.sum(F.get_json_object("payload", "$.mentions").cast("long")),
    ).first()
    articles, mentions = (total[0] or 0, total[1] or 0) if total else (0, 0)
    digests = sorted(row[0] for row in outputs.select("rules_digest").distinct().collect())
    return {
        "rules_digest": digest,
        "task_rules_digests": digests,
        "partitions": partitions,
        "articles": articles,
        "records": counts.get("record", 0),
        "mentions": mentions,
        "skipped": counts.get("skipped", 0),
        "seconds": round(seconds, 3),
        "articles_per_second": round(articles / seconds, 1) if seconds else None,
    }


def main() -> None:
    """Parses the arguments, runs the stage and writes the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", required=True, help="folder of *.txt, JSON lines or Parquet")
    parser.add_argument(
        "--input-format", choices=["text", "jsonl", "parquet"], help="default: guessed"
    )
    parser.add_argument("--out", required=True, help="output folder for the Parquet tables")
    parser.add_argument("--accord", required=True, help="the accord binary (shipped to the tasks)")
    parser.add_argument("--rules", required=True, help="the rules folder (shipped to the tasks)")
    parser.add_argument("--reference-date", required=True, help="YYYY-MM-DD, the same for all")
    parser.add_argument(
        "--partitions", type=int, default=0, help="accord runs, one per task (default: 2 × cores)"
    )
    parser.add_argument("--threads", type=int, default=1, help="accord threads per task")
    parser.add_argument(
        "--accord-on-nodes", action="store_true",
        help="--accord and --rules are paths present on every node: ship nothing",
    )  # fmt: skip
    args = parser.parse_args()

    digest = rules_digest(args.accord, args.rules, args.reference_date)
    spark = SparkSession.builder.appName("accord").getOrCreate()
    started = time.monotonic()
    context = spark.sparkContext
    if args.accord_on_nodes:
        stage = Stage(args.accord, args.rules, args.reference_date, args.threads, shipped=False)
    else:
        context.addFile(str(Path(args.accord).resolve()))
        context.addFile(str(Path(args.rules).resolve()), recursive=True)
        stage = Stage(
            Path(args.accord).name, Path(args.rules).resolve().name, args.reference_date,
            args.threads, shipped=True,
        )  # fmt: skip

    articles = read_articles(spark, args.input, args.input_format or guess_format(args.input))
    # Every task loads the rules once (about 0.3 s): few large partitions beat many small ones.
    partitions = args.partitions or 2 * context.defaultParallelism
    if partitions < articles.getNumPartitions():
        articles = articles.coalesce(partitions)  # no shuffle: a task reads several splits
    elif partitions > articles.getNumPartitions():
        articles = articles.repartition(partitions)
    rows = articles.mapPartitions(lambda part: run_partition(part, stage))
    outputs = spark.createDataFrame(rows, STAGE_SCHEMA).persist(StorageLevel.MEMORY_AND_DISK)

    def table(kind: str, schema: StructType | ArrayType) -> DataFrame:
        """The stage rows of a kind, parsed (an array of rows is exploded)."""
        parsed = outputs.where(F.col("kind") == kind)
        row = F.from_json("payload", schema, {"mode": "FAILFAST"})
        if isinstance(schema, ArrayType):
            row = F.explode(row)
        return parsed.select(row.alias("row"), "rules_digest").select("row.*", "rules_digest")

    timings: dict[str, float] = {}
    mark = time.monotonic()
    outputs.count()  # runs accord on every partition, once
    timings["accord"] = round(time.monotonic() - mark, 3)
    records = table("record", RECORD_SCHEMA).persist(StorageLevel.MEMORY_AND_DISK)
    out = args.out.rstrip("/")
    writes: list[tuple[str, DataFrame, list[str]]] = [
        ("records", records, ["language", "id", "story"]),
        (
            "mentions",
            table("mentions", ArrayType(MENTION_SCHEMA)),
            ["language", "record_id", "item"],
        ),
    ]
    writes += [
        (name, item_table(records, name), ["language", "record_id", "item"])
        for name in ITEM_SCHEMAS
    ]
    writes.append(("skipped", table("skipped", SKIPPED_SCHEMA), ["id", "source"]))
    for name, frame, order in writes:
        mark = time.monotonic()
        write(frame, f"{out}/{name}", order, by_language=name != "skipped")
        timings[name] = round(time.monotonic() - mark, 3)
    records.unpersist()

    seconds = time.monotonic() - started
    summary = summarize(outputs, digest, partitions, seconds)
    summary["timings"] = timings
    print("accord-spark: " + json.dumps(summary))
    if not urlparse(out).scheme or out.startswith("file:"):
        Path(unquote(urlparse(out).path)).joinpath("_accord_spark.json").write_text(
            json.dumps(summary, indent=2) + "\n", encoding="utf-8"
        )
    outputs.unpersist()
    spark.stop()
    if summary["task_rules_digests"] not in ([], [digest]):
        raise SystemExit(f"the tasks used other rules than the driver: {summary}")


if __name__ == "__main__":
    main()
