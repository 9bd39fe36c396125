"""Distributed Map fields: ProcessorConfig, tolerated failures, ItemReader, ItemBatcher, ResultWriter.

Compiled for ``parse`` when it builds a MapState; each raises DefinitionError naming the field.
"""
from __future__ import annotations

from ..errors import DefinitionError
from ..query.templates import compile_template
from .limits import MAX_BATCH_BYTES
from .fields import MAX_TIMEOUT, compile_count_field, jsonata_template, no_unknown_fields
from .model import JSONATA, JSONPATH, ItemBatcherSpec, ItemReaderSpec, ResultWriterSpec

_S3_GET_OBJECT = "arn:aws:states:::s3:getObject"
_S3_LIST_OBJECTS_V2 = "arn:aws:states:::s3:listObjectsV2"
_S3_PUT_OBJECT = "arn:aws:states:::s3:putObject"
_READER_CONFIG = {"InputType", "CSVHeaderLocation", "CSVHeaders", "CSVDelimiter", "MaxItems",
                  "MaxItemsPath", "ManifestType", "Transformation"}
_MAX_READER_ITEMS = 100_000_000    # MaxItems: up to 100,000,000 (documented, recorded)


def compile_processor_config(config, where):
    """ProcessorConfig -> (Mode, ExecutionType), with AWS's defaults INLINE and STANDARD."""
    if not isinstance(config, dict):
        raise DefinitionError("ProcessorConfig must be an object", field=f"{where}.ProcessorConfig")
    no_unknown_fields(config, {"Mode", "ExecutionType"}, None, "ProcessorConfig")
    mode = config.get("Mode", "INLINE")
    if mode not in ("INLINE", "DISTRIBUTED"):
        raise DefinitionError(f"ProcessorConfig.Mode must be INLINE or DISTRIBUTED, not {mode!r}",
                              field=f"{where}.ProcessorConfig.Mode")
    execution_type = config.get("ExecutionType", "STANDARD")
    if execution_type not in ("STANDARD", "EXPRESS"):
        raise DefinitionError("ProcessorConfig.ExecutionType must be STANDARD or EXPRESS, not "
                              f"{execution_type!r}", field=f"{where}.ProcessorConfig.ExecutionType")
    return mode, execution_type


def compile_tolerated_failures(body, language) -> dict:
    """ToleratedFailureCount and ToleratedFailurePercentage (or their Path forms), as MapState fields."""
    return {
        "tolerated_failure_count": compile_count_field(body, "ToleratedFailureCount", language,
                                                       low=0, high=MAX_TIMEOUT),
        "tolerated_failure_percentage": compile_count_field(body, "ToleratedFailurePercentage", language,
                                                            low=0, high=100, number=True),
    }


def _s3_arguments(source, language, where):
    key = "Arguments" if language == JSONATA else "Parameters"
    if key not in source:
        return None
    if language == JSONATA:
        return jsonata_template(source[key], f"{where}.{key}")
    return compile_template(source[key], f"{where}.{key}")


def compile_item_reader(source, language) -> ItemReaderSpec:
    """ItemReader: an S3 getObject/listObjectsV2 source with its ReaderConfig."""
    if not isinstance(source, dict):
        raise DefinitionError("ItemReader must be an object", field="ItemReader")
    arguments_key = "Arguments" if language == JSONATA else "Parameters"
    no_unknown_fields(source, {"Resource", arguments_key, "ReaderConfig"}, language, "an ItemReader")
    resource = source.get("Resource")
    if resource not in (_S3_GET_OBJECT, _S3_LIST_OBJECTS_V2):
        raise DefinitionError(f"ItemReader.Resource must be {_S3_GET_OBJECT} or {_S3_LIST_OBJECTS_V2}, "
                              f"not {resource!r}", field="ItemReader.Resource")
    config = source.get("ReaderConfig", {})
    if not isinstance(config, dict):
        raise DefinitionError("ReaderConfig must be an object", field="ItemReader.ReaderConfig")
    no_unknown_fields(config, _READER_CONFIG, None, "a ReaderConfig")
    where = "ItemReader.ReaderConfig."
    if config.get("CSVHeaderLocation", "FIRST_ROW") not in ("FIRST_ROW", "GIVEN"):
        raise DefinitionError("CSVHeaderLocation must be FIRST_ROW or GIVEN",
                              field=where + "CSVHeaderLocation")
    headers = config.get("CSVHeaders")
    if config.get("CSVHeaderLocation") == "GIVEN" and (
            not isinstance(headers, list) or not headers or not all(isinstance(h, str) for h in headers)):
        raise DefinitionError("CSVHeaderLocation GIVEN needs CSVHeaders, an array of column names",
                              field=where + "CSVHeaders")
    max_items = compile_count_field(config, "MaxItems", language, low=0, high=_MAX_READER_ITEMS, where=where)
    rest = {k: v for k, v in config.items() if k not in ("MaxItems", "MaxItemsPath")}
    return ItemReaderSpec(resource=resource, arguments=_s3_arguments(source, language, "ItemReader"),
                          reader_config=rest, max_items=max_items)


def compile_item_batcher(source, language) -> ItemBatcherSpec:
    """ItemBatcher: batch size limits (at least one) and an optional BatchInput."""
    if not isinstance(source, dict):
        raise DefinitionError("ItemBatcher must be an object", field="ItemBatcher")
    allowed = {"MaxItemsPerBatch", "MaxInputBytesPerBatch", "BatchInput"}
    if language == JSONPATH:
        allowed |= {"MaxItemsPerBatchPath", "MaxInputBytesPerBatchPath"}
    no_unknown_fields(source, allowed, language, "an ItemBatcher")
    where = "ItemBatcher."
    max_items = compile_count_field(source, "MaxItemsPerBatch", language, low=1, high=MAX_TIMEOUT,
                                    where=where)
    max_bytes = compile_count_field(source, "MaxInputBytesPerBatch", language, low=1,
                                    high=MAX_BATCH_BYTES, where=where)
    if max_items is None and max_bytes is None:
        raise DefinitionError("an ItemBatcher needs MaxItemsPerBatch or MaxInputBytesPerBatch "
                              "(or their Path forms)", field="ItemBatcher")
    batch_input = None
    if "BatchInput" in source:
        batch_input = (jsonata_template(source["BatchInput"], where + "BatchInput") if language == JSONATA
                       else compile_template(source["BatchInput"], where + "BatchInput"))
    return ItemBatcherSpec(max_items=max_items, max_bytes=max_bytes, batch_input=batch_input)


def compile_result_writer(source, language) -> ResultWriterSpec:
    """ResultWriter: an S3 putObject target and/or a WriterConfig."""
    if not isinstance(source, dict) or not source:
        raise DefinitionError("ResultWriter must be a non-empty object", field="ResultWriter")
    arguments_key = "Arguments" if language == JSONATA else "Parameters"
    no_unknown_fields(source, {"Resource", arguments_key, "WriterConfig"}, language, "a ResultWriter")
    resource = source.get("Resource")
    if resource is not None and resource != _S3_PUT_OBJECT:
        raise DefinitionError(f"ResultWriter.Resource must be {_S3_PUT_OBJECT}, not {resource!r}",
                              field="ResultWriter.Resource")
    if (resource is None) != (arguments_key not in source):
        raise DefinitionError(f"ResultWriter needs Resource and {arguments_key} together",
                              field="ResultWriter.Resource")
    config = source.get("WriterConfig", {})
    if not isinstance(config, dict):
        raise DefinitionError("WriterConfig must be an object", field="ResultWriter.WriterConfig")
    no_unknown_fields(config, {"OutputType", "Transformation"}, None, "a WriterConfig")
    output_type, transformation = config.get("OutputType"), config.get("Transformation")
    if output_type not in (None, "JSON", "JSONL"):
        raise DefinitionError(f"OutputType must be JSON or JSONL, not {output_type!r}",
                              field="ResultWriter.WriterConfig.OutputType")
    if transformation not in (None, "NONE", "COMPACT", "FLATTEN"):
        raise DefinitionError(f"Transformation must be NONE, COMPACT or FLATTEN, not {transformation!r}",
                              field="ResultWriter.WriterConfig.Transformation")
    return ResultWriterSpec(resource=resource, arguments=_s3_arguments(source, language, "ResultWriter"),
                            output_type=output_type, transformation=transformation)
