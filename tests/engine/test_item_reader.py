"""ItemReader: the items a Distributed Map reads from S3, and how it fails.

Expected items and causes come from the AWS-recorded cases in shared/conformance/cases.jsonl
(test_map_item_reader_*: CSV headers and extra fields, MaxItems 0/2/100000000/100000001/-1,
JSON MaxItems, listObjectsV2) and from the developer guide pages "ItemReader (Map)" and "How
Step Functions parses input CSV files" (delimiters, quotes, backslashes, S3 inventory manifests).
"""
import gzip
import io
import json
import os

import boto3
import pytest
from moto import mock_aws

from aslsim.engine.distributed.item_reader import (
    GET_OBJECT, LIST_OBJECTS_V2, read_items, read_sourced_items)
from aslsim.errors import StatesError
from aslsim.engine.distributed.s3_store import LocalS3Store

REGION = "us-east-1"
FACTS = [{"verdict": "true", "statement_date": "6/11/2008", "statement_source": "speech"},
         {"verdict": "false", "statement_date": "6/7/2022", "statement_source": "television"},
         {"verdict": "mostly-true", "statement_date": "5/18/2016", "statement_source": "news"},
         {"verdict": "false", "statement_date": "5/18/2024", "statement_source": "x"}]
COLUMNS = b"Col1,Col2\nValue1,Value2\nValue3,Value4\nValue5,Value6\nValue7,Value8\n"
ALL_ROWS = [{"Col1": "Value1", "Col2": "Value2"}, {"Col1": "Value3", "Col2": "Value4"},
            {"Col1": "Value5", "Col2": "Value6"}, {"Col1": "Value7", "Col2": "Value8"}]


@pytest.fixture
def store(tmp_path):
    (tmp_path / "bucket-name").mkdir()
    return LocalS3Store(tmp_path)


def read(store, body, **config):
    """The items of one object holding ``body``, read with ReaderConfig ``config``."""
    store.put_object("bucket-name", "file", body)
    return read_items(GET_OBJECT, {"Bucket": "bucket-name", "Key": "file"}, config, store)


def failure(store, body, **config):
    with pytest.raises(StatesError) as raised:
        read(store, body, **config)
    assert raised.value.error == "States.ItemReaderFailed"
    return raised.value.cause


# ---- JSON ---------------------------------------------------------------------------------

def test_json_array_items_are_the_elements(store):
    assert read(store, json.dumps(FACTS).encode(), InputType="JSON") == FACTS


def test_json_max_items_keeps_the_first_items(store):
    assert read(store, json.dumps(FACTS).encode(), InputType="JSON", MaxItems=2) == FACTS[:2]


def test_json_that_is_not_an_array_is_a_non_iterable_node(store):
    cause = failure(store, b'{"facts": []}', InputType="JSON")
    assert cause == "Attempting to map over non-iterable node."


def test_json_items_pointer_selects_the_nested_array(store):
    body = json.dumps({"inventory": {"products": {"featured": [1, 2], "other": [3]}}}).encode()
    assert read(store, body, InputType="JSON",
                ItemsPointer="/inventory/products/featured") == [1, 2]


def test_json_items_pointer_to_nothing_fails(store):
    cause = failure(store, b'{"a": []}', InputType="JSON", ItemsPointer="/b")
    assert cause == 'The ItemsPointer "/b" selects nothing in the object'


def test_invalid_json_fails_the_reader(store):
    assert failure(store, b"[1, 2", InputType="JSON").startswith("The object is not valid JSON")


# ---- JSONL --------------------------------------------------------------------------------

def test_jsonl_items_are_the_lines(store):
    body = b"".join(json.dumps(fact).encode() + b"\n" for fact in FACTS)
    assert read(store, body, InputType="JSONL") == FACTS


def test_jsonl_lines_may_hold_any_json_value_and_blank_lines_are_skipped(store):
    assert read(store, b'1\n\n"two"\r\n[3]\n{"four": 4}', InputType="JSONL") == [
        1, "two", [3], {"four": 4}]


def test_jsonl_invalid_line_fails_naming_the_line(store):
    cause = failure(store, b'{"a": 1}\n{"a": \n', InputType="JSONL")
    assert cause.startswith("Line 2 of the JSONL object is not valid JSON")


def test_jsonl_reading_stops_at_max_items(store):
    # the broken line after MaxItems is never parsed
    assert read(store, b'1\n2\nnot json\n', InputType="JSONL", MaxItems=2) == [1, 2]


# ---- CSV ----------------------------------------------------------------------------------

def test_csv_first_row_headers_keep_every_value_a_string(store):
    # recorded: test_map_item_reader_csv_headers_first_row_typed_headers
    body = b"0,True,{}\nValue4,Value5,Value6\n,,,\ntrue,1,'HelloWorld'\nNull,None,\n   \n"
    assert read(store, body, InputType="CSV", CSVHeaderLocation="FIRST_ROW") == [
        {"0": "Value4", "True": "Value5", "{}": "Value6"},
        {"0": "", "True": "", "{}": ""},
        {"0": "true", "True": "1", "{}": "'HelloWorld'"},
        {"0": "Null", "True": "None", "{}": ""},
        {"0": "   ", "True": "", "{}": ""}]


def test_csv_given_headers_drop_extra_fields(store):
    # recorded: test_map_item_reader_csv_headers_decl_extra_fields
    body = b"Value1,Value2,Value3\nValue4,Value5,Value6\n,,,\ntrue,1,'HelloWorld'\nNull,None,\n   \n"
    assert read(store, body, InputType="CSV", CSVHeaderLocation="GIVEN", CSVHeaders=["H1"]) == [
        {"H1": "Value1"}, {"H1": "Value4"}, {"H1": ""}, {"H1": "true"}, {"H1": "Null"},
        {"H1": "   "}]


def test_csv_empty_header_is_a_column_named_empty(store):
    # recorded: test_map_item_reader_csv_first_row_extra_fields
    body = b"H1,\nValue4,Value5,Value6\n,,,\ntrue,1,'HelloWorld'\nNull,None,\n   \n"
    assert read(store, body, InputType="CSV", CSVHeaderLocation="FIRST_ROW") == [
        {"H1": "Value4", "": "Value5"}, {"H1": "", "": ""}, {"H1": "true", "": "1"},
        {"H1": "Null", "": "None"}, {"H1": "   ", "": ""}]


def test_csv_short_rows_get_empty_strings(store):
    assert read(store, b"a,b,c\n1\n", InputType="CSV", CSVHeaderLocation="FIRST_ROW") == [
        {"a": "1", "b": "", "c": ""}]


def test_csv_duplicate_headers_fail(store):
    cause = failure(store, b"a,b,a\n1,2,3\n", InputType="CSV", CSVHeaderLocation="FIRST_ROW")
    assert cause == "CSV headers cannot contain duplicates."


def test_csv_duplicate_given_headers_fail(store):
    cause = failure(store, b"1,2\n", InputType="CSV", CSVHeaderLocation="GIVEN",
                    CSVHeaders=["x", "x"])
    assert cause == "CSV headers cannot contain duplicates."


def test_csv_quotes_hold_delimiters_newlines_and_doubled_quotes(store):
    # the developer guide's "Example of parsing an input CSV file"
    body = (b'abc,123,"This string contains commas, a double quotation marks (""), and a '
            b'newline (\n)",{""MyKey"":""MyValue""},"[1,2,3]"\n')
    headers = ["MyLetters", "MyNumbers", "MyString", "MyObject", "MyArray"]
    assert read(store, body, InputType="CSV", CSVHeaderLocation="GIVEN", CSVHeaders=headers) == [
        {"MyLetters": "abc", "MyNumbers": "123",
         "MyString": 'This string contains commas, a double quotation marks ("), and a newline (\n)',
         "MyObject": '{"MyKey":"MyValue"}', "MyArray": "[1,2,3]"}]


def test_csv_backslashes_escape_backslashes_and_delimiters(store):
    body = b"path,size\nC:\\\\Program Files\\\\MyApp.exe,6534512\na\\,b,1\n"
    assert read(store, body, InputType="CSV", CSVHeaderLocation="FIRST_ROW") == [
        {"path": "C:\\Program Files\\MyApp.exe", "size": "6534512"},
        {"path": "a,b", "size": "1"}]


@pytest.mark.parametrize("name, delimiter", [
    ("PIPE", b"|"), ("SEMICOLON", b";"), ("SPACE", b" "), ("TAB", b"\t"), ("COMMA", b",")])
def test_csv_delimiters(store, name, delimiter):
    body = b"a,b\n1,2\n".replace(b",", delimiter)
    assert read(store, body, InputType="CSV", CSVHeaderLocation="FIRST_ROW",
                CSVDelimiter=name) == [{"a": "1", "b": "2"}]


def test_csv_empty_object_has_no_items(store):
    assert read(store, b"", InputType="CSV", CSVHeaderLocation="FIRST_ROW") == []


def test_csv_byte_order_mark_is_not_part_of_the_first_header(store):
    body = "\ufeffid,name\n1,x\n".encode("utf-8")
    assert read(store, body, InputType="CSV", CSVHeaderLocation="FIRST_ROW") == [
        {"id": "1", "name": "x"}]


def test_object_that_is_not_utf8_fails(store):
    cause = failure(store, b"a\n\xff\xfe\n", InputType="CSV", CSVHeaderLocation="FIRST_ROW")
    assert cause.startswith("The object is not UTF-8 text")


# ---- MaxItems (recorded: test_map_item_reader_csv_max_items[_paths]) -------------------------

@pytest.mark.parametrize("max_items, expected", [
    (0, ALL_ROWS), (2, ALL_ROWS[:2]), (100000000, ALL_ROWS), (100000001, ALL_ROWS)])
def test_max_items(store, max_items, expected):
    assert read(store, COLUMNS, InputType="CSV", CSVHeaderLocation="FIRST_ROW",
                MaxItems=max_items) == expected


def test_negative_max_items_fails(store):
    cause = failure(store, COLUMNS, InputType="CSV", CSVHeaderLocation="FIRST_ROW", MaxItems=-1)
    assert cause == "field MaxItems must be positive"


def test_max_items_from_a_path_may_be_an_integer_string(store):
    # recorded: MAP_STATE_REFERENCE_IN_MAX_ITEMS_PATH assigns the string "2"
    assert read(store, json.dumps(FACTS).encode(), InputType="JSON", MaxItems="2") == FACTS[:2]


def test_max_items_that_is_no_integer_fails(store):
    assert failure(store, COLUMNS, InputType="CSV", MaxItems=1.5) == (
        "field MaxItems must be an integer")


# ---- compression and unsupported input ---------------------------------------------------

def test_gzip_objects_are_read_through(store):
    assert read(store, gzip.compress(COLUMNS), InputType="CSV",
                CSVHeaderLocation="FIRST_ROW") == ALL_ROWS


def test_truncated_gzip_fails_the_reader(store):
    cause = failure(store, gzip.compress(COLUMNS)[:-12], InputType="CSV")
    assert cause.startswith("The object cannot be read")


def test_parquet_is_refused_with_a_clear_cause(store):
    cause = failure(store, b"PAR1", InputType="PARQUET")
    assert cause == "aslsim cannot read InputType PARQUET: convert the data to CSV, JSON or JSONL"


def test_missing_object_fails_with_s3s_error(store):
    with pytest.raises(StatesError) as raised:
        read_items(GET_OBJECT, {"Bucket": "bucket-name", "Key": "nope.json"},
                   {"InputType": "JSON"}, store)
    assert raised.value.error == "States.ItemReaderFailed"
    assert raised.value.cause == (
        "The specified key does not exist. (Service: S3, Status Code: 404, Request ID: null)")


def test_missing_bucket_argument_fails(store):
    with pytest.raises(StatesError) as raised:
        read_items(GET_OBJECT, {"Key": "k"}, {"InputType": "JSON"}, store)
    assert raised.value.cause == "The ItemReader's Bucket must be a non-empty string, got null"


# ---- bounded reading ----------------------------------------------------------------------

class CountingStore:
    """A store whose bodies count the bytes the reader pulls from them."""

    def __init__(self, body: bytes):
        self.body = body
        self.bytes_read = 0

    def open_object(self, bucket, key, version_id=None):
        store = self

        class Body(io.BytesIO):
            def read(self, size=-1):
                data = super().read(size)
                store.bytes_read += len(data)
                return data

        return Body(self.body)


def test_streamed_reading_stops_soon_after_max_items():
    body = b"".join(b'{"row": %d, "pad": "%s"}\n' % (i, b"x" * 80) for i in range(100_000))
    store = CountingStore(body)
    items = read_items(GET_OBJECT, {"Bucket": "b", "Key": "k"},
                       {"InputType": "JSONL", "MaxItems": 3}, store)
    assert [item["row"] for item in items] == [0, 1, 2]
    assert store.bytes_read < 2 * 1024 * 1024 < len(body)


# ---- S3 inventory and Athena manifests ---------------------------------------------------

def test_manifest_items_are_the_rows_of_the_inventory_data_files(store, tmp_path):
    (tmp_path / "inventory").mkdir()
    rows = (b'"source","csvDataset/","0","2022-11-16T00:27:19.000Z"\n'
            b'"source","csvDataset/titles.csv","3399671","2022-11-16T00:29:32.000Z"\n')
    store.put_object("inventory", "dest/data/part-1.csv.gz", gzip.compress(rows))
    store.put_object("inventory", "dest/data/part-2.csv.gz",
                     gzip.compress(b'"source","img/a.jpg","27034","2022-11-15T20:02:16.000Z"\n'))
    manifest = {"sourceBucket": "source", "destinationBucket": "arn:aws:s3:::inventory",
                "version": "2016-11-30", "creationTimestamp": "1668560400000",
                "fileFormat": "CSV", "fileSchema": "Bucket, Key, Size, LastModifiedDate",
                "files": [{"key": "dest/data/part-1.csv.gz", "size": 90, "MD5checksum": "x"},
                          {"key": "dest/data/part-2.csv.gz", "size": 60, "MD5checksum": "y"}]}
    store.put_object("inventory", "dest/manifest.json", json.dumps(manifest).encode())
    items = read_items(GET_OBJECT, {"Bucket": "inventory", "Key": "dest/manifest.json"},
                       {"InputType": "MANIFEST"}, store)
    assert items == [
        {"Bucket": "source", "Key": "csvDataset/", "Size": "0",
         "LastModifiedDate": "2022-11-16T00:27:19.000Z"},
        {"Bucket": "source", "Key": "csvDataset/titles.csv", "Size": "3399671",
         "LastModifiedDate": "2022-11-16T00:29:32.000Z"},
        {"Bucket": "source", "Key": "img/a.jpg", "Size": "27034",
         "LastModifiedDate": "2022-11-15T20:02:16.000Z"}]
    _, sources = read_sourced_items(GET_OBJECT, {"Bucket": "inventory", "Key": "dest/manifest.json"},
                                    {"InputType": "MANIFEST"}, store)
    assert [sources[i] for i in range(3)] == ["S3://inventory/dest/data/part-1.csv.gz"] * 2 + [
        "S3://inventory/dest/data/part-2.csv.gz"]
    # ManifestType S3_INVENTORY is the same reader
    assert read_items(GET_OBJECT, {"Bucket": "inventory", "Key": "dest/manifest.json"},
                      {"ManifestType": "S3_INVENTORY", "MaxItems": 1}, store) == items[:1]


def test_manifest_of_a_non_csv_inventory_fails(store):
    manifest = {"fileFormat": "ORC", "fileSchema": "Bucket, Key", "files": []}
    cause = failure(store, json.dumps(manifest).encode(), InputType="MANIFEST")
    assert cause == 'S3 Inventory fileFormat "ORC" is not supported: the inventory must be CSV'


def test_athena_manifest_items_are_those_of_the_listed_files(store):
    store.put_object("bucket-name", "out/1.jsonl", b'{"n": 1}\n{"n": 2}\n')
    store.put_object("bucket-name", "out/2.jsonl.gz", gzip.compress(b'{"n": 3}\n'))
    store.put_object("bucket-name", "q-manifest.csv",
                     b"s3://bucket-name/out/1.jsonl\ns3://bucket-name/out/2.jsonl.gz\n")
    items = read_items(GET_OBJECT, {"Bucket": "bucket-name", "Key": "q-manifest.csv"},
                       {"ManifestType": "ATHENA_DATA", "InputType": "JSONL"}, store)
    assert items == [{"n": 1}, {"n": 2}, {"n": 3}]
    # each item's $$.Map.Item.Source is the data file it was read from (aslsim's reading: the
    # guide names "the Amazon S3 URI" without saying which of manifest and data file)
    items, sources = read_sourced_items(GET_OBJECT, {"Bucket": "bucket-name", "Key": "q-manifest.csv"},
                                        {"ManifestType": "ATHENA_DATA", "InputType": "JSONL"}, store)
    assert [sources[i] for i in range(3)] == ["S3://bucket-name/out/1.jsonl", "S3://bucket-name/out/1.jsonl",
                                              "S3://bucket-name/out/2.jsonl.gz"]


# ---- listObjectsV2 ------------------------------------------------------------------------

@pytest.fixture
def s3():
    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(Bucket="test-bucket")
        yield client


def moto_store():
    from aslsim.engine.distributed.s3_store import MotoS3Store
    return MotoS3Store(REGION)


def test_list_objects_items_have_aws_shape(s3):
    # recorded: test_map_item_reader_base_list_objects_v2
    for index in range(3):
        s3.put_object(Bucket="test-bucket", Key=f"file_{index}.txt",
                      Body=f"{index}HelloWorld!".encode())
    items = read_items(LIST_OBJECTS_V2, {"Bucket": "test-bucket"}, None, moto_store())
    listed = s3.list_objects_v2(Bucket="test-bucket")["Contents"]
    assert items == [{"Etag": entry["ETag"], "Key": entry["Key"],
                      "LastModified": int(entry["LastModified"].timestamp()), "Size": 12,
                      "StorageClass": "STANDARD"} for entry in listed]
    assert [list(item) for item in items] == [
        ["Etag", "Key", "LastModified", "Size", "StorageClass"]] * 3
    assert items[0]["Etag"].startswith('"')


def test_list_objects_reads_every_page_and_respects_prefix_and_max_items(s3):
    for index in range(1203):
        s3.put_object(Bucket="test-bucket", Key=f"in/{index:05d}", Body=b"x")
    s3.put_object(Bucket="test-bucket", Key="out/other", Body=b"x")
    store = moto_store()
    items = read_items(LIST_OBJECTS_V2, {"Bucket": "test-bucket", "Prefix": "in/"}, {}, store)
    assert [item["Key"] for item in items] == [f"in/{index:05d}" for index in range(1203)]
    capped = read_items(LIST_OBJECTS_V2, {"Bucket": "test-bucket"}, {"MaxItems": 1001}, store)
    assert len(capped) == 1001


def test_list_objects_load_and_flatten_reads_each_object(s3):
    s3.put_object(Bucket="test-bucket", Key="data/a.json", Body=b"[1, 2]")
    s3.put_object(Bucket="test-bucket", Key="data/b.json", Body=b"[3]")
    items = read_items(LIST_OBJECTS_V2, {"Bucket": "test-bucket", "Prefix": "data/"},
                       {"InputType": "JSON", "Transformation": "LOAD_AND_FLATTEN"}, moto_store())
    assert items == [1, 2, 3]


def test_list_objects_of_a_missing_bucket_fails(s3):
    with pytest.raises(StatesError) as raised:
        read_items(LIST_OBJECTS_V2, {"Bucket": "nobucket"}, None, moto_store())
    assert raised.value.error == "States.ItemReaderFailed"
    assert raised.value.cause.startswith("The specified bucket does not exist (Service: S3, "
                                         "Status Code: 404")


def test_local_listing_gives_last_modified_in_epoch_seconds(store, tmp_path):
    store.put_object("bucket-name", "k", b"abc")
    os.utime(tmp_path / "bucket-name" / "k", (1668699881, 1668699881))
    assert read_items(LIST_OBJECTS_V2, {"Bucket": "bucket-name"}, None, store) == [
        {"Etag": '"900150983cd24fb0d6963f7d28e17f72"', "Key": "k", "LastModified": 1668699881,
         "Size": 3, "StorageClass": "STANDARD"}]
