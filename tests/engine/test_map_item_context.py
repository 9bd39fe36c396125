"""The Context object's Map fields, read by an ItemSelector, in both query languages and both Map
modes.

Source: developer guide input-output-contextobject ("Context object data for Map states"): within
a Map state the Context object holds ``Map.Item`` with ``Index``, ``Key`` ("Only valid for JSON
objects"), ``Value`` and ``Source``; Source is ``STATE_DATA`` for state input, ``S3://bucket-name``
for ListObjectsV2 with Transformation NONE and ``S3://bucket-name/object-key`` for every other
input type. Recorded (cases.jsonl): ``$$.Map.Item.Index`` and ``$$.Map.Item.Value``; a Map over a
JSON object fails (so Key never applies and is absent).
"""
import json

import pytest

import aslsim
from aslsim.validate.validator import validate_definition

PASS = {"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": True}}}
DISTRIBUTED = {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, **PASS}
INLINE = {"ProcessorConfig": {"Mode": "INLINE"}, **PASS}
JSONPATH_SELECTOR = {"index.$": "$$.Map.Item.Index", "value.$": "$$.Map.Item.Value",
                     "source.$": "$$.Map.Item.Source", "item.$": "$$.Map.Item"}
JSONATA_SELECTOR = {"index": "{% $states.context.Map.Item.Index %}",
                    "value": "{% $states.context.Map.Item.Value %}",
                    "source": "{% $states.context.Map.Item.Source %}",
                    "item": "{% $states.context.Map.Item %}"}


def machine(processor, selector, *, jsonata=False, **fields):
    state = {"Type": "Map", "ItemProcessor": processor, "ItemSelector": selector, "End": True, **fields}
    definition = {"StartAt": "Map", "States": {"Map": state}}
    if jsonata:
        definition["QueryLanguage"] = "JSONata"
    return aslsim.load(definition)


def expected(values, sources):
    return [{"index": i, "value": v, "source": s, "item": {"Index": i, "Value": v, "Source": s}}
            for i, (v, s) in enumerate(zip(values, sources))]


@pytest.mark.parametrize("processor", [INLINE, DISTRIBUTED], ids=["inline", "distributed"])
@pytest.mark.parametrize("jsonata", [False, True], ids=["jsonpath", "jsonata"])
def test_items_from_the_state_input_have_index_value_and_source_state_data(processor, jsonata):
    selector = JSONATA_SELECTOR if jsonata else JSONPATH_SELECTOR
    ex = machine(processor, selector, jsonata=jsonata).run([{"who": "bob"}, "meg", 3])
    assert ex.status == "SUCCEEDED", ex.cause
    assert ex.output == expected([{"who": "bob"}, "meg", 3], ["STATE_DATA"] * 3)


def test_items_selected_by_items_path_are_state_data_too():
    ex = machine(DISTRIBUTED, JSONPATH_SELECTOR, ItemsPath="$.rows").run({"rows": ["a"]})
    assert ex.output == expected(["a"], ["STATE_DATA"])


@pytest.mark.parametrize("jsonata", [False, True], ids=["jsonpath", "jsonata"])
def test_an_object_read_by_get_object_is_the_source_of_its_items(tmp_path, jsonata):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "in").mkdir()
    (tmp_path / "data" / "in" / "rows.jsonl").write_text('{"n": 0}\n{"n": 1}\n')
    arguments = {"Bucket": "data", "Key": "in/rows.jsonl"}
    reader = {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSONL"},
              "Arguments" if jsonata else "Parameters": arguments}
    selector = JSONATA_SELECTOR if jsonata else JSONPATH_SELECTOR
    ex = machine(DISTRIBUTED, selector, jsonata=jsonata, ItemReader=reader).run({}, s3=tmp_path)
    assert ex.status == "SUCCEEDED", ex.cause
    assert ex.output == expected([{"n": 0}, {"n": 1}], ["S3://data/in/rows.jsonl"] * 2)


def test_a_listing_has_the_bucket_as_source_and_each_flattened_item_its_object(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.json").write_text(json.dumps([1, 2]))
    (tmp_path / "data" / "b.json").write_text(json.dumps([3]))
    selector = {"source.$": "$$.Map.Item.Source", "key.$": "$$.Map.Item.Value.Key"}
    listing = {"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Bucket": "data"}}
    ex = machine(DISTRIBUTED, selector, ItemReader=listing).run({}, s3=tmp_path)
    assert ex.output == [{"source": "S3://data", "key": "a.json"}, {"source": "S3://data", "key": "b.json"}]
    flattened = dict(listing, ReaderConfig={"Transformation": "LOAD_AND_FLATTEN", "InputType": "JSON"})
    ex = machine(DISTRIBUTED, {"source.$": "$$.Map.Item.Source", "n.$": "$$.Map.Item.Value"},
                 ItemReader=flattened).run({}, s3=tmp_path)
    assert ex.output == [{"source": "S3://data/a.json", "n": 1}, {"source": "S3://data/a.json", "n": 2},
                         {"source": "S3://data/b.json", "n": 3}]


def test_the_source_survives_batching_each_item_keeps_its_own(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "rows.json").write_text(json.dumps(["x", "y", "z"]))
    reader = {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"},
              "Parameters": {"Bucket": "data", "Key": "rows.json"}}
    ex = machine(DISTRIBUTED, {"i.$": "$$.Map.Item.Index", "s.$": "$$.Map.Item.Source"},
                 ItemReader=reader, ItemBatcher={"MaxItemsPerBatch": 2}).run({}, s3=tmp_path)
    assert ex.output == [{"Items": [{"i": 0, "s": "S3://data/rows.json"}, {"i": 1, "s": "S3://data/rows.json"}]},
                         {"Items": [{"i": 2, "s": "S3://data/rows.json"}]}]


@pytest.mark.parametrize("processor", [INLINE, DISTRIBUTED], ids=["inline", "distributed"])
def test_key_is_absent_as_a_map_iterates_arrays_only(processor):
    ex = machine(processor, {"key.$": "$$.Map.Item.Key"}).run(["a"])
    assert ex.error == "States.Runtime"
    assert "$$.Map.Item.Key" in ex.cause
    ex = machine(processor, {"has": "{% $exists($states.context.Map.Item.Key) %}"}, jsonata=True).run(["a"])
    assert ex.output == [{"has": False}]


def test_validate_and_load_accept_every_documented_map_field():
    selector = {"i.$": "$$.Map.Item.Index", "k.$": "$$.Map.Item.Key", "v.$": "$$.Map.Item.Value",
                "s.$": "$$.Map.Item.Source"}
    for jsonata in (False, True):
        fields = ({f"{name}": "{% $states.context.Map.Item." + name + " %}"
                   for name in ("Index", "Key", "Value", "Source")} if jsonata else selector)
        state = {"Type": "Map", "ItemProcessor": INLINE, "ItemSelector": fields, "End": True}
        definition = {"StartAt": "Map", "States": {"Map": state}}
        if jsonata:
            definition["QueryLanguage"] = "JSONata"
        assert [d for d in validate_definition(definition) if d.severity == "error"] == []
        aslsim.load(definition)
