"""Distributed Map at scale: python bench/distributed_map.py [--rows N] [--moto] [--json FILE]

100,000 JSONL rows are read by an ItemReader (from a local bucket folder, or with --moto from
moto's S3) and processed in three ways, side by side in one run:

    batched      Distributed Map, ItemBatcher MaxItemsPerBatch 100: 1,000 child executions
    unbatched    Distributed Map, one child execution per row: 100,000 child executions
    inline       the same number of items through inline Maps (100 x 1,000, EXPRESS: one
                 execution cannot hold 100,000 rows as input, AWS's payload limit is 256 KiB)

Each child (or iteration) runs one Pass state. Wall time is measured without tracemalloc (best
of --repeat runs), peak memory in a separate run with tracemalloc; every run is checked.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))  # the checkout's engine, installed or not

import aslsim  # noqa: E402

BATCH = 100
PROCESSOR = {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "Count"}


def distributed_definition(batched: bool) -> dict:
    count = {"n.$": "States.ArrayLength($.Items)"} if batched else {"n": 1, "id.$": "$.id"}
    state = {"Type": "Map", "End": True,
             "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                            "ReaderConfig": {"InputType": "JSONL"},
                            "Parameters": {"Bucket": "bench", "Key": "rows.jsonl"}},
             "ItemProcessor": {**PROCESSOR, "States": {"Count": {"Type": "Pass", "Parameters": count,
                                                                 "End": True}}},
             # the children's outputs would pass the 256 KiB payload limit: keep only a count
             "ResultSelector": {"children.$": "States.ArrayLength($)"}}
    if batched:
        state["ItemBatcher"] = {"MaxItemsPerBatch": BATCH}
    return {"StartAt": "Rows", "States": {"Rows": state}}


def inline_definition(rows: int) -> dict:
    outer, inner = rows // 1000, 1000
    inner_map = {"Type": "Map", "ItemsPath": "$.range", "End": True,
                 "ItemSelector": {"id.$": "$$.Map.Item.Value"},
                 "ItemProcessor": {"StartAt": "Count", "States": {"Count": {
                     "Type": "Pass", "Parameters": {"n": 1, "id.$": "$.id"}, "End": True}}},
                 "ResultSelector": {"n.$": "States.ArrayLength($)"}}
    return {"StartAt": "Outer", "States": {"Outer": {
        "Type": "Map", "ItemsPath": "$.outer", "End": True,
        "ItemSelector": {"range.$": f"States.ArrayRange(1, {inner}, 1)"},
        "ItemProcessor": {"StartAt": "Inner", "States": {"Inner": inner_map}},
        "ResultSelector": {"children.$": "States.ArrayLength($)"}}}}, {"outer": list(range(outer))}


def rows_jsonl(rows: int) -> bytes:
    return "".join(json.dumps({"id": n, "name": f"row-{n}", "amount": n % 1000}) + "\n"
                   for n in range(rows)).encode()


def measure(run, check, repeat: int) -> dict:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        execution = run()
        best = min(best, time.perf_counter() - start)
        check(execution)
    tracemalloc.start()
    execution = run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    check(execution)
    return {"seconds": round(best, 3), "peak_mib": round(peak / 2**20, 1)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--moto", action="store_true", help="read the rows from moto's S3, not a folder")
    ap.add_argument("--only", nargs="*", default=["batched", "unbatched", "inline"])
    ap.add_argument("--json", help="also write the figures here")
    args = ap.parse_args(argv)
    rows = args.rows
    body = rows_jsonl(rows)
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "bench").mkdir()
        (Path(folder) / "bench" / "rows.jsonl").write_bytes(body)
        options = {"s3": folder}
        mock = None
        if args.moto:
            import boto3
            from moto import mock_aws
            mock = mock_aws()
            mock.start()
            s3 = boto3.client("s3", region_name="us-east-1")
            s3.create_bucket(Bucket="bench")
            s3.put_object(Bucket="bench", Key="rows.jsonl", Body=body)
            options = {"aws": "moto"}
        try:
            figures = _run_cases(args, rows, options)
        finally:
            if mock is not None:
                mock.stop()
    source = "moto S3" if args.moto else "local folder"
    print(f"{rows:,} JSONL rows ({len(body) / 2**20:.1f} MiB) from a {source}; best of {args.repeat}")
    print(f"{'case':<11} {'children':>9} {'seconds':>8} {'rows/s':>10} {'peak MiB':>9}")
    for key, f in figures.items():
        print(f"{key:<11} {f['children']:>9,} {f['seconds']:>8.3f} {rows / f['seconds']:>10,.0f} "
              f"{f['peak_mib']:>9.1f}")
    if "batched" in figures and "inline" in figures:
        print(f"batched / inline time: {figures['batched']['seconds'] / figures['inline']['seconds']:.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "source": source, "cases": figures}, indent=2))


def _run_cases(args, rows: int, options: dict) -> dict:
    figures = {}
    for key in args.only:
        if key == "inline":
            definition, data = inline_definition(rows)
            machine = aslsim.load(definition, name="bench")
            children = rows // 1000

            def run(machine=machine, data=data):
                return machine.run(data, execution_type="EXPRESS")
        else:
            batched = key == "batched"
            machine = aslsim.load(distributed_definition(batched), name="bench")
            children = rows // BATCH if batched else rows

            def run(machine=machine):
                return machine.run({}, **options)

        def check(execution, children=children):
            assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
            assert execution.output == {"children": children}, execution.output
        figures[key] = {"children": rows if key == "inline" else children,
                        **measure(run, check, args.repeat)}
    return figures


if __name__ == "__main__":
    main()
