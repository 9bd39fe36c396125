"""JSONPath, intrinsic functions, payload templates, JSONata and variables (ASL301-306,
ASL401-408)."""
from aslsim.validate import validate_definition


def found(definition):
    return [(d.code, d.pointer, d.message) for d in validate_definition(definition)]


def pass_state(**fields):
    return {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True, **fields}}}


def test_paths_and_reference_paths():
    assert found(pass_state(InputPath="$.a[", OutputPath="x", ResultPath="$.a[*]")) == [
        ("ASL301", "/States/A/InputPath",
         "The value '$.a[' is not a valid JSONPath: unexpected end of query"),
        ("ASL301", "/States/A/OutputPath",
         "The value 'x' is not a valid JSONPath: it must start with '$'"),
        ("ASL302", "/States/A/ResultPath",
         "The value '$.a[*]' is not a valid ReferencePath: only names and indexes are allowed")]


def test_dashes_in_path_names_are_accepted_as_aws_does():
    assert found(pass_state(InputPath="$.error-info", Parameters={"x.$": "$.a-b"})) == []


def test_intrinsic_names_and_arity():
    diagnostics = validate_definition(pass_state(Parameters={
        "a.$": "States.Fromat('x')", "b.$": "States.ArrayLength()", "ok.$": "States.UUID()"}))
    assert [(d.code, d.pointer, d.message, d.hint) for d in diagnostics] == [
        ("ASL303", "/States/A/Parameters/a.$", "'States.Fromat' is not an intrinsic function",
         "did you mean States.Format?"),
        ("ASL303", "/States/A/Parameters/b.$", "Invalid intrinsic function 'States.ArrayLength()': "
         "States.ArrayLength takes 1 argument(s), but 0 were given (at character 1)", None)]


def test_dynamic_values_and_key_collisions_in_nested_templates():
    definition = pass_state(Parameters={"d": {"e.$": "42", "f": 1, "f.$": "$.f"}})
    assert found(definition) == [
        ("ASL305", "/States/A/Parameters/d/e.$",
         "The value for the field 'e.$' must be a valid JSONPath or a valid intrinsic function call"),
        ("ASL304", "/States/A/Parameters/d/f.$", "the keys 'f' and 'f.$' are both 'f' once '.$' is removed")]


def test_collisions_are_found_in_item_selector_and_assign_too():
    definition = {"StartAt": "M", "States": {"M": {
        "Type": "Map", "End": True, "ItemSelector": {"v": 1, "v.$": "$$.Map.Item.Value"},
        "Assign": {"n": 1, "n.$": "$.n"},
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Succeed"}}}}}}
    assert [(c, p) for c, p, _ in found(definition)] == [
        ("ASL304", "/States/M/ItemSelector/v.$"), ("ASL304", "/States/M/Assign/n.$")]


def test_choice_variable_must_select_one_value():
    definition = {"StartAt": "C", "States": {
        "C": {"Type": "Choice", "Default": "D",
              "Choices": [{"Variable": "$.items[*].x", "IsPresent": True, "Next": "D"}]},
        "D": {"Type": "Succeed"}}}
    assert [(c, p) for c, p, _ in found(definition)] == [("ASL302", "/States/C/Choices/0/Variable")]


def test_jsonata_syntax_and_states_result_placement():
    definition = {"StartAt": "A", "QueryLanguage": "JSONata", "States": {
        "A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True,
              "Arguments": {"x": "{% $states.input. %}"},
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "B",
                         "Output": "{% $states.result %}"}]},
        "B": {"Type": "Pass", "End": True, "Output": "{% $states.errorOutput %}"}}}
    assert found(definition) == [
        ("ASL401", "/States/A/Arguments/x",
         "JSONata syntax error: S0207: Unexpected end of expression (at character 14 of the expression)"),
        ("ASL403", "/States/A/Catch/0/Output", "$states.result is not available here: it exists "
         "only in the Output and Assign of a Task, Parallel or Map state"),
        ("ASL403", "/States/B/Output", "$states.errorOutput is not available here: it exists only "
         "in a Catcher's Output and Assign")]


def test_jsonata_in_a_comment_is_not_compiled():
    definition = {"StartAt": "A", "QueryLanguage": "JSONata", "States": {
        "A": {"Type": "Pass", "End": True, "Comment": "{% not an expression ( %}"}}}
    assert found(definition) == []


def test_variable_names_and_reads_of_variables_nobody_assigns():
    definition = {"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "B", "Assign": {"1x": 1, "states": 2, "ok": 3}},
        "B": {"Type": "Pass", "End": True, "Parameters": {"v.$": "$missing", "w.$": "$ok"}}}}
    assert found(definition) == [
        ("ASL406", "/States/A/Assign/1x", "'1x' is not a valid variable name: a letter or "
         "underscore, then letters, digits and underscores (Unicode identifier characters)"),
        ("ASL406", "/States/A/Assign/states", "'states' is reserved for $states and cannot be assigned"),
        ("ASL404", "/States/B/Parameters/v.$", "the variable '$missing' is read here but no state "
         "assigns it")]


def test_a_parallel_branch_cannot_assign_an_outer_variable():
    definition = {"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "P", "Assign": {"total": 0}},
        "P": {"Type": "Parallel", "End": True, "Branches": [{"StartAt": "In", "States": {
            "In": {"Type": "Pass", "End": True, "Assign": {"total.$": "$.x"}}}}]}}}
    [d] = validate_definition(definition)
    assert (d.code, d.pointer, d.state) == ("ASL405", "/States/P/Branches/0/States/In/Assign/total.$", "In")


def test_a_distributed_map_starts_a_fresh_variable_scope():
    definition = {"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "M", "Assign": {"total": 0}},
        "M": {"Type": "Map", "End": True, "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "In", "States": {"In": {"Type": "Pass", "End": True, "Assign": {"total": 1}}}}}}}
    assert found(definition) == []


def jsonata_pass(output):
    return {"QueryLanguage": "JSONata", "StartAt": "A",
            "States": {"A": {"Type": "Pass", "Output": output, "End": True}}}


def test_jsonata_reading_the_input_document_at_the_top_level_is_refused():
    definition = jsonata_pass({"all": "{% $ %}", "root": "{% $$.a %}", "bare": "{% phone & '!' %}",
                               "lambda": "{% $map($states.input, function($v) { $ }) %}"})
    assert [(d.code, d.severity, d.pointer, d.message) for d in validate_definition(definition)] == [
        ("ASL408", "error", "/States/A/Output/all", "the expression reads '$' or '$$', the input "
         "document, which JSONata expressions in Step Functions do not have"),
        ("ASL408", "error", "/States/A/Output/root", "reference to 'a' at the top level is not "
         "supported: through '$', '$$' or a bare field name it reads the input document, which "
         "JSONata expressions in Step Functions do not have"),
        ("ASL408", "error", "/States/A/Output/bare", "reference to 'phone' at the top level is not "
         "supported: through '$', '$$' or a bare field name it reads the input document, which "
         "JSONata expressions in Step Functions do not have"),
        ("ASL408", "error", "/States/A/Output/lambda", "the expression reads '$' or '$$', the input "
         "document, which JSONata expressions in Step Functions do not have")]
    assert validate_definition(jsonata_pass("{% phone %}"))[0].hint == \
        "write $states.input.phone (or $name for a variable)"


def test_dollar_inside_a_filter_or_a_later_path_step_is_not_the_top_level():
    assert found(jsonata_pass({
        "filtered": "{% $states.input.items[$ > 1] %}",
        "step": "{% $states.input.items.($.price * 2) %}",
        "object": "{% {'n': $count($states.input.items), 'x': $x} %}",
        "builtins": "{% $uuid() & $string($now()) %}",
        "local": "{% ($f := function($v) { $v + 1 }; $f(1)) %}"})) == []


def test_an_unknown_function_call_is_left_to_run_time_as_aws_does():
    # AWS accepts the definition and fails the execution; reads() cannot tell what it reads.
    assert found(jsonata_pass("{% $randomSeeded($states.input.seed) %}")) == []


def test_a_path_or_intrinsic_under_a_key_without_dot_dollar_is_a_warning():
    definition = pass_state(Parameters={"bucket": "$.bucket", "id": "$$.Execution.Id",
                                        "key": "States.Format('{}.json', $.name)",
                                        "nested": {"first": "$.items[0]"}})
    assert [(d.code, d.severity, d.pointer, d.message, d.hint)
            for d in validate_definition(definition)] == [
        ("ASL306", "warning", "/States/A/Parameters/bucket", "'bucket' holds a path ('$.bucket') "
         "but its key does not end in '.$', so it is passed as the literal text",
         'write "bucket.$" to evaluate it'),
        ("ASL306", "warning", "/States/A/Parameters/id", "'id' holds a path ('$$.Execution.Id') "
         "but its key does not end in '.$', so it is passed as the literal text",
         'write "id.$" to evaluate it'),
        ("ASL306", "warning", "/States/A/Parameters/key", "'key' holds an intrinsic function "
         "('States.Format('{}.json', $.name)') but its key does not end in '.$', so it is passed "
         "as the literal text", 'write "key.$" to evaluate it'),
        ("ASL306", "warning", "/States/A/Parameters/nested/first", "'first' holds a path "
         "('$.items[0]') but its key does not end in '.$', so it is passed as the literal text",
         'write "first.$" to evaluate it')]


def test_literal_text_that_is_not_a_path_gets_no_warning():
    assert found(pass_state(Parameters={"price": "$100", "currency": "$", "var": "$customerName",
                                        "prose": "$. is how paths start", "ok.$": "$.x",
                                        "note": "see States.Format docs"})) == []
    # JSONata states have no '.$': a string there is always literal.
    assert found(jsonata_pass({"p": "$.bucket"})) == []
