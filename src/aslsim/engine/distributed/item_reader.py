"""ItemReader: the items a Distributed Map reads from S3.

``read_items`` turns an ItemReader (its Resource, resolved Parameters/Arguments and ReaderConfig)
into the list of items the Map iterates over, as AWS reads them:

- ``s3:listObjectsV2``: one item per object, ``{"Etag", "Key", "LastModified", "Size",
  "StorageClass"}`` (LastModified in epoch seconds); with ``Transformation: LOAD_AND_FLATTEN`` the
  items inside every listed object instead.
- ``s3:getObject`` with ``InputType`` JSON (an array), JSONL (a value a line), CSV (rows as objects
  of strings, headers from the first row or ``CSVHeaders``), MANIFEST / ``ManifestType:
  S3_INVENTORY`` (the rows of an S3 Inventory's CSV data files) or ``ManifestType: ATHENA_DATA``
  (the data files an Athena UNLOAD manifest lists).

``ItemSources`` records which S3 object each item came from, for ``$$.Map.Item.Source``.

Objects compressed with GZIP are read through (ZSTD too when the ``zstandard`` package is
installed). Streaming formats stop reading at ``MaxItems``. Everything that goes wrong fails the
Map with ``States.ItemReaderFailed``, worded as AWS words it where AWS's wording is recorded.
"""
from __future__ import annotations

import bisect
import csv
import gzip
import io
import itertools
import json
from datetime import datetime
from typing import Any, BinaryIO, Iterator

from ... import jsonvalues
from ...errors import StatesError
from .s3_store import S3Store, S3StoreError

GET_OBJECT = "arn:aws:states:::s3:getObject"
LIST_OBJECTS_V2 = "arn:aws:states:::s3:listObjectsV2"
# AWS stops reading after 100,000,000 items; a larger MaxItems is not an error (recorded).
MAX_ITEMS_LIMIT = 100_000_000

ITEM_READER_FAILED = "States.ItemReaderFailed"
NON_ITERABLE = "Attempting to map over non-iterable node."             # recorded
DUPLICATE_HEADERS = "CSV headers cannot contain duplicates."           # recorded
MAX_ITEMS_NOT_POSITIVE = "field MaxItems must be positive"             # recorded

CSV_DELIMITERS = {"COMMA": ",", "PIPE": "|", "SEMICOLON": ";", "SPACE": " ", "TAB": "\t"}
_GZIP_MAGIC = b"\x1f\x8b"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_READ_BUFFER = 1 << 20
# AWS reads items of up to 8 MB from a CSV file (documented); csv's default cap is 128 KiB
_MAX_CSV_FIELD = 8 * 1024 * 1024


class ItemSources:
    """Where each item read came from, as ``$$.Map.Item.Source`` names it (documented:
    "S3://bucket-name/object-key", the bucket alone for a ListObjectsV2 listing), kept as runs
    of consecutive items that share one source."""

    __slots__ = ("items", "_starts", "_sources")

    def __init__(self, items: list):
        self.items = items              # the list being filled: its length is the next index
        self._starts: list[int] = []
        self._sources: list[str] = []

    def begin(self, bucket: str, key: str | None = None) -> None:
        """The items read from now on come from ``bucket`` (and ``key``)."""
        # the guide writes the scheme "S3://" (not recorded)
        source = f"S3://{bucket}" if key is None else f"S3://{bucket}/{key}"
        self._starts.append(len(self.items))
        self._sources.append(source)

    def __getitem__(self, index: int) -> str:
        return self._sources[bisect.bisect_right(self._starts, index) - 1]


def read_items(resource: str, arguments: dict, reader_config: dict | None,
               store: S3Store) -> list:
    """The items the ItemReader yields, at most MaxItems of them."""
    return read_sourced_items(resource, arguments, reader_config, store)[0]


def read_sourced_items(resource: str, arguments: dict, reader_config: dict | None,
                       store: S3Store) -> tuple[list, ItemSources]:
    """The items the ItemReader yields, at most MaxItems of them, and where each came from."""
    config = reader_config or {}
    limit = max_items(config.get("MaxItems"))
    read: list = []
    sources = ItemSources(read)
    items = _items(resource, arguments or {}, config, store, sources)
    try:
        # one at a time: a source begins when the reader resumes for its first item
        for item in itertools.islice(items, limit):
            read.append(item)
        return read, sources
    except S3StoreError as failure:
        raise StatesError(ITEM_READER_FAILED, s3_failure_cause(failure)) from None
    except UnicodeDecodeError as failure:
        raise StatesError(ITEM_READER_FAILED, f"The object is not UTF-8 text: {failure}") from None
    except csv.Error as failure:
        raise StatesError(ITEM_READER_FAILED, f"The object is not valid CSV: {failure}") from None
    except (OSError, EOFError) as failure:      # a truncated or corrupt GZIP/ZSTD stream
        raise StatesError(ITEM_READER_FAILED, f"The object cannot be read: {failure}") from None
    finally:
        items.close()       # release the object being streamed when MaxItems stopped early


def max_items(value: Any) -> int | None:
    """MaxItems as a cap on the item count: None for no cap (absent, or 0 as AWS treats it)."""
    if value is None:
        return None
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        # not recorded: AWS's States.Runtime for a MaxItemsPath that is no integer is raised
        # before the reader runs; anything else reaching here is refused the same way
        raise StatesError(ITEM_READER_FAILED, "field MaxItems must be an integer")
    if value < 0:
        raise StatesError(ITEM_READER_FAILED, MAX_ITEMS_NOT_POSITIVE)
    return min(value, MAX_ITEMS_LIMIT) if value else None


def s3_failure_cause(failure: S3StoreError) -> str:
    """The cause of an ItemReader/ResultWriter failure that S3 reported (the SDK's wording;
    AWS's exact text for the Map is not recorded)."""
    return f"{failure.message} (Service: S3, Status Code: {failure.status}, Request ID: null)"


# ---- sources ----------------------------------------------------------------------------------

def _items(resource: str, arguments: dict, config: dict, store: S3Store,
           sources: ItemSources) -> Iterator:
    if resource == LIST_OBJECTS_V2:
        bucket = _argument(arguments, "Bucket")
        prefix = arguments.get("Prefix")
        if prefix is not None and not isinstance(prefix, str):
            raise StatesError(ITEM_READER_FAILED,
                              f"The ItemReader's Prefix must be a string, got {json.dumps(prefix)}")
        listing = store.list_objects_v2(bucket, prefix)
        if config.get("Transformation") == "LOAD_AND_FLATTEN":
            for entry in listing:
                yield from _object_items(store, bucket, entry["Key"], None, config, sources)
        else:
            sources.begin(bucket)
            yield from map(listed_object_item, listing)
    elif resource == GET_OBJECT:
        bucket, key = _argument(arguments, "Bucket"), _argument(arguments, "Key")
        version = arguments.get("VersionId")
        manifest_type = config.get("ManifestType")
        if manifest_type == "S3_INVENTORY" or config.get("InputType") == "MANIFEST":
            yield from _inventory_items(store, bucket, key, version, config, sources)
        elif manifest_type == "ATHENA_DATA":
            yield from _athena_items(store, bucket, key, version, config, sources)
        else:
            yield from _object_items(store, bucket, key, version, config, sources)
    else:
        raise StatesError(ITEM_READER_FAILED, f"Unsupported ItemReader resource: {resource}")


def listed_object_item(entry: dict) -> dict:
    """A ListObjectsV2 Contents entry as the Map's item (AWS's shape, keys in its order)."""
    return {"Etag": entry["ETag"], "Key": entry["Key"],
            "LastModified": _epoch_seconds(entry["LastModified"]),
            "Size": entry["Size"], "StorageClass": entry.get("StorageClass", "STANDARD")}


def _epoch_seconds(value: Any) -> Any:
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(value, datetime):
        return int(value.timestamp())      # S3 keeps LastModified to the second
    return value


def _argument(arguments: dict, name: str) -> str:
    value = arguments.get(name)
    if not isinstance(value, str) or not value:
        raise StatesError(ITEM_READER_FAILED,
                          f"The ItemReader's {name} must be a non-empty string, got "
                          f"{json.dumps(value)}")
    return value


def _object_items(store: S3Store, bucket: str, key: str, version: str | None,
                  config: dict, sources: ItemSources) -> Iterator:
    input_type = config.get("InputType")
    parse = _PARSERS.get(input_type)
    if parse is None:
        raise StatesError(ITEM_READER_FAILED, _unsupported_input_type(input_type))
    sources.begin(bucket, key)
    with _open(store, bucket, key, version) as body:
        yield from parse(body, config)


def _unsupported_input_type(input_type: Any) -> str:
    if input_type == "PARQUET":
        return "aslsim cannot read InputType PARQUET: convert the data to CSV, JSON or JSONL"
    return (f"Unsupported InputType {json.dumps(input_type)}: expected one of CSV, JSON, JSONL, "
            f"MANIFEST")


def _inventory_items(store: S3Store, bucket: str, key: str, version: str | None,
                     config: dict, sources: ItemSources) -> Iterator[dict]:
    """The rows of the CSV data files an S3 Inventory manifest.json lists."""
    with _open(store, bucket, key, version) as body:
        manifest = _json_document(body)
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        raise StatesError(ITEM_READER_FAILED, "The manifest is not an S3 Inventory manifest.json")
    if manifest.get("fileFormat") != "CSV":
        # AWS reads CSV inventories only (documented); the wording here is aslsim's
        raise StatesError(ITEM_READER_FAILED,
                          f"S3 Inventory fileFormat {json.dumps(manifest.get('fileFormat'))} "
                          f"is not supported: the inventory must be CSV")
    headers = [name.strip() for name in str(manifest.get("fileSchema", "")).split(",")]
    destination = str(manifest.get("destinationBucket", bucket)).removeprefix("arn:aws:s3:::")
    for data_file in manifest["files"]:
        # not recorded: an item's source is the data file it is a row of, not the manifest
        sources.begin(destination, data_file["key"])
        with _open(store, destination, data_file["key"], None) as data:
            yield from _csv_rows(data, config, headers)


def _athena_items(store: S3Store, bucket: str, key: str, version: str | None,
                  config: dict, sources: ItemSources) -> Iterator:
    """The items of every data file an Athena UNLOAD manifest lists (one s3:// URI a line)."""
    with _open(store, bucket, key, version) as body:
        uris = [line.strip() for line in _text(body) if line.strip()]
    for uri in uris:
        data_bucket, _, data_key = uri.removeprefix("s3://").partition("/")
        yield from _object_items(store, data_bucket, data_key, None, config, sources)


# ---- formats ----------------------------------------------------------------------------------

def _json_items(body: BinaryIO, config: dict) -> Iterator:
    document = _json_document(body)
    pointer = config.get("ItemsPointer")
    if pointer is not None:
        document = _resolve_pointer(document, pointer)
    # a JSON object is not iterated (LocalStack's AWS-validated recordings); AWS has since
    # documented iterating an object's key-value pairs, which aslsim does not do yet
    if not isinstance(document, list):
        raise StatesError(ITEM_READER_FAILED, NON_ITERABLE)
    yield from document


def _json_document(body: BinaryIO) -> Any:
    try:
        return jsonvalues.loads(_text(body).read())     # NaN, 1e999 ... are not JSON either
    except ValueError as failure:
        raise StatesError(ITEM_READER_FAILED, f"The object is not valid JSON: {failure}") from None


def _jsonl_items(body: BinaryIO, config: dict) -> Iterator:
    decode = jsonvalues.loads
    for number, line in enumerate(_text(body), start=1):
        if line.isspace() or not line:
            continue    # blank lines hold no item (not recorded; the JSON Lines convention)
        try:
            yield decode(line)
        except ValueError as failure:
            raise StatesError(ITEM_READER_FAILED,
                              f"Line {number} of the JSONL object is not valid JSON: "
                              f"{failure}") from None


def _csv_items(body: BinaryIO, config: dict) -> Iterator[dict]:
    location = config.get("CSVHeaderLocation", "FIRST_ROW")
    if location == "GIVEN":
        headers = config.get("CSVHeaders")
        if not isinstance(headers, list) or not all(isinstance(h, str) for h in headers):
            raise StatesError(ITEM_READER_FAILED,
                              "CSVHeaderLocation GIVEN needs CSVHeaders, an array of strings")
        return _csv_rows(body, config, headers)
    if location == "FIRST_ROW":
        return _csv_rows(body, config, None)
    raise StatesError(ITEM_READER_FAILED,
                      f"Unsupported CSVHeaderLocation {json.dumps(location)}: expected FIRST_ROW "
                      f"or GIVEN")


def _csv_rows(body: BinaryIO, config: dict, headers: list[str] | None) -> Iterator[dict]:
    """Rows as objects of strings (AWS keeps every field a string). A short row is padded
    with empty strings and a long one cut to the headers (documented)."""
    delimiter = CSV_DELIMITERS.get(config.get("CSVDelimiter", "COMMA"))
    if delimiter is None:
        raise StatesError(ITEM_READER_FAILED,
                          f"Unsupported CSVDelimiter {json.dumps(config.get('CSVDelimiter'))}")
    if csv.field_size_limit() < _MAX_CSV_FIELD:
        csv.field_size_limit(_MAX_CSV_FIELD)
    # Quotes may hold delimiters and newlines, "" is a quote, and a backslash escapes the next
    # character (documented), which is what csv's escapechar does. AWS also reads "" as a quote
    # outside quotes (the guide's example: {""MyKey"":""MyValue""}), which csv keeps as is:
    # such fields are unescaped after parsing. (The one miss: "" twice in a row inside quotes.)
    rows = csv.reader(_text(body, newline=""), delimiter=delimiter, quotechar='"',
                      doublequote=True, escapechar="\\")
    if headers is None:
        headers = next(rows, None)
        if headers is None:
            return
        headers = _unescaped(headers)
    if len(set(headers)) != len(headers):
        raise StatesError(ITEM_READER_FAILED, DUPLICATE_HEADERS)
    width = len(headers)
    for row in rows:
        if not row:
            continue    # an empty line holds no record (not recorded)
        row = _unescaped(row)
        if len(row) < width:
            row = row + [""] * (width - len(row))
        yield dict(zip(headers, row))


def _unescaped(row: list[str]) -> list[str]:
    if any('""' in field for field in row):
        return [field.replace('""', '"') for field in row]
    return row


_PARSERS = {"JSON": _json_items, "JSONL": _jsonl_items, "CSV": _csv_items}


def _resolve_pointer(document: Any, pointer: str) -> Any:
    """RFC 6901 JSON Pointer, as ItemsPointer takes it."""
    if pointer == "":
        return document
    if not isinstance(pointer, str) or not pointer.startswith("/"):
        raise StatesError(ITEM_READER_FAILED, f"Invalid ItemsPointer {json.dumps(pointer)}")
    node = document
    for token in pointer[1:].split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise StatesError(ITEM_READER_FAILED,
                              f"The ItemsPointer {json.dumps(pointer)} selects nothing in the "
                              f"object")
    return node


# ---- bytes ------------------------------------------------------------------------------------

def _open(store: S3Store, bucket: str, key: str, version: str | None) -> BinaryIO:
    """The object's body as a buffered stream, decompressed when it is GZIP or ZSTD."""
    opener = getattr(store, "open_object", None)
    raw = opener(bucket, key, version) if opener else io.BytesIO(
        store.get_object(bucket, key, version))
    body = io.BufferedReader(_Unread(raw), _READ_BUFFER)
    head = body.peek(4)[:4]
    if head.startswith(_GZIP_MAGIC):
        return gzip.GzipFile(fileobj=body, mode="rb")
    if head == _ZSTD_MAGIC:
        return _zstd_reader(body)
    return body


def _zstd_reader(body: BinaryIO) -> BinaryIO:
    try:
        import zstandard
    except ImportError:
        body.close()
        raise StatesError(ITEM_READER_FAILED,
                          "The object is ZSTD-compressed: aslsim reads it when the 'zstandard' "
                          "package is installed") from None
    return zstandard.ZstdDecompressor().stream_reader(body, closefd=True)


def _text(body: BinaryIO, newline: str | None = None) -> io.TextIOWrapper:
    # utf-8-sig: a byte order mark (as spreadsheet exports write) is not part of the first field
    return io.TextIOWrapper(body, encoding="utf-8-sig", newline=newline)


class _Unread(io.RawIOBase):
    """Any readable (a botocore StreamingBody, a file) as a raw stream that BufferedReader
    can wrap, so the compression magic can be peeked without reading the body twice."""

    def __init__(self, stream):
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._stream.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._stream.close()
        super().close()
