"""DescribeStateMachine's variableReferences, from the definition: what AWS answered for the
definitions of LocalStack's AWS-validated test_sfn_api_variable_references (recorded
2024-11-20), and JSONata's free variables."""
import pytest

from aslsim.definition.variables import variable_references


def machine(states, **top):
    return {"StartAt": next(iter(states)), "States": states, **top}


RECORDED = [
    pytest.param(machine({
        "State0": {"Type": "Pass", "Parameters": {"result": "$result"}, "Assign": {"result": "foobar"},
                   "Next": "State1"},
        "State1": {"Type": "Pass", "ResultPath": "$.result", "Parameters": {"result.$": "$result"}, "End": True}}),
        {"State1": ["result"]}, id="a plain string is not a reference, a .$ value is"),
    pytest.param(machine({
        "Setup": {"Type": "Pass", "Assign": {"guess": "the_guess", "answer": "the_answer"}, "Next": "CheckAnswer"},
        "CheckAnswer": {"Type": "Choice", "Choices": [
            {"Variable": "$guess", "StringEqualsPath": "$answer", "Next": "CorrectAnswer"}], "Default": "WrongAnswer"},
        "CorrectAnswer": {"Type": "Pass", "Result": {"state": "CORRECT"}, "End": True},
        "WrongAnswer": {"Type": "Pass", "Assign": {"guess.$": "$answer"}, "Result": {"state": "WRONG"},
                        "Next": "CheckAnswer"}}),
        {"CheckAnswer": ["answer", "guess"], "WrongAnswer": ["answer"]}, id="choice rules and Assign, sorted"),
    pytest.param(machine({
        "Input": {"Type": "Pass", "Result": [[9, 44, 6]], "Assign": {"bias": 4.3}, "Next": "IterateLevels"},
        "IterateLevels": {"Type": "Map", "MaxConcurrency": 1, "End": True, "ItemProcessor": {
            "ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "AssignCurrentVector", "States": {
                "AssignCurrentVector": {"Type": "Pass", "Next": "Calculate", "Assign": {
                    "xCurrent.$": "$[0]", "yCurrent.$": "$[1]", "zCurrent.$": "$[2]"}},
                "Calculate": {"Type": "Map", "MaxConcurrency": 1, "End": True, "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Summate", "States": {
                        "Summate": {"Type": "Pass", "End": True, "Assign": {
                            "Sum.$": "States.MathAdd(States.MathAdd(States.MathAdd($yCurrent, $xCurrent), "
                                     "$zCurrent), $bias)"}}}}}}}}}),
        {"Summate": ["bias", "xCurrent", "yCurrent", "zCurrent"]}, id="nested states, intrinsic functions"),
    pytest.param(machine({
        "Pass": {"Type": "Pass", "Assign": {"errorVar": "E", "causeVar": "C"}, "Next": "Fail"},
        "Fail": {"Type": "Fail", "CausePath": "$causeVar", "ErrorPath": "$errorVar"}}),
        {"Fail": ["causeVar", "errorVar"]}, id="Fail's paths"),
    pytest.param(machine({
        "State0": {"Type": "Pass", "Parameters": {"input": "PENDING"}, "Assign": {"result.$": "$.input"},
                   "Next": "State1"},
        "State1": {"Type": "Pass", "Assign": {"result": "SUCCESS", "originalResult.$": "$.input"}, "End": True}}),
        {}, id="no state reads a variable: nothing listed"),
    pytest.param(machine({
        "Start": {"Type": "Pass", "Assign": {"Question": "q", "PokemonList": ["a"]}, "Next": "MapIterateState"},
        "MapIterateState": {"Type": "Map", "MaxConcurrency": 1, "ItemsPath": "$PokemonList", "End": True,
                            "ItemSelector": {"AnnouncePokemon.$": "States.Format($.AnswerTemplate, $$.Map.Item.Value)"},
                            "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Pass", "States": {
                                "Pass": {"Type": "Pass", "End": True, "Parameters": {
                                    "Question.$": "$Question", "Answer.$": "$.AnnouncePokemon"}}}}}}),
        {"MapIterateState": ["PokemonList"], "Pass": ["Question"]}, id="ItemsPath; the Context object is not a variable"),
    pytest.param(machine({
        "Start": {"Type": "Pass", "Assign": {"bucket": "b"}, "Next": "MapState"},
        "MapState": {"Type": "Map", "End": True, "ItemSelector": {"value.$": "$$.Map.Item.Value", "bucketName": "$bucket"},
                     "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                                       "StartAt": "MapPass", "States": {"MapPass": {"Type": "Pass", "End": True}}}}}),
        {}, id="a plain string in ItemSelector"),
    pytest.param(machine({
        "Start": {"Type": "Pass", "Assign": {"maxItems": "2", "percentage": "1", "count": "1"}, "Next": "MapState"},
        "MapState": {"Type": "Map", "End": True, "ToleratedFailurePercentagePath": "$percentage",
                     "ToleratedFailureCountPath": "$count",
                     "ItemReader": {"ReaderConfig": {"InputType": "JSON", "MaxItemsPath": "$maxItems"},
                                    "Resource": "arn:aws:states:::s3:getObject",
                                    "Parameters": {"Bucket.$": "$.Bucket", "Key.$": "$.Key"}},
                     "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                                       "StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}}}),
        {"MapState": ["count", "maxItems", "percentage"]}, id="a Distributed Map's paths"),
    pytest.param(machine({
        "CheckResult": {"Type": "Choice", "QueryLanguage": "JSONata", "Choices": [
            {"Condition": "{% $states.input.result.done %}", "Next": "FinishTrue"},
            {"Condition": "{% $not($states.input.result.done) %}", "Next": "FinishFalse"}]},
        "FinishTrue": {"End": True, "Type": "Pass"}, "FinishFalse": {"End": True, "Type": "Pass"}}),
        {}, id="JSONata: $states and functions are not variables"),
]


@pytest.mark.parametrize("definition, expected", RECORDED)
def test_variable_references_are_what_aws_answered(definition, expected):
    assert variable_references(definition) == expected


def test_jsonata_lists_the_free_variables_only():
    definition = machine({
        "Setup": {"Type": "Pass", "Assign": {"items": [1], "factor": 2, "label": "x"}, "Next": "Use"},
        "Use": {"Type": "Pass", "End": True, "Output": {
            "scaled": "{% $map($items, function($v) { $v * $factor }) %}",
            "local": "{% ($tmp := 3; $tmp & $label & $uuid()) %}",
            "constant": "$notAVariable"}}}, QueryLanguage="JSONata")
    assert variable_references(definition) == {"Use": ["factor", "items", "label"]}


def test_a_pass_states_result_is_data_not_a_reference():
    definition = machine({"P": {"Type": "Pass", "Result": {"x.$": "$literal"}, "End": True}})
    assert variable_references(definition) == {}
