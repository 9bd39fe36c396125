"""Reading definitions and templates: positions (line:column) in JSON and YAML, duplicate keys,
unreadable text, CloudFormation/SAM templates and their substitutions."""
import textwrap

from aslsim.validate import validate_definition, validate_paths

JSON_TEXT = """{
  "StartAt": "A",
  "States": {
    "A": {"Type": "Pass", "Next": "B"},
    "B": {"Type": "Pass", "End": true, "Comment": "one", "Comment": "two"}
  }
}
"""


def where(diagnostics):
    return [(d.code, d.line, d.column, d.pointer) for d in diagnostics]


def test_json_positions_point_at_the_value_and_unknown_fields_at_the_key():
    text = '{\n  "StartAt": "A",\n  "States": {\n    "A": {"Type": "Pass", "Next": "X", "Foo": 1}\n  }\n}'
    assert where(validate_definition(text, file="m.asl.json")) == [
        ("ASL203", 3, 3, "/States"), ("ASL201", 4, 35, "/States/A/Next"),
        ("ASL102", 4, 40, "/States/A/Foo")]
    assert {d.file for d in validate_definition(text, file="m.asl.json")} == {"m.asl.json"}


def test_a_missing_field_is_shown_at_the_state_name():
    text = '{\n  "StartAt": "A",\n  "States": {\n    "A": {"Type": "Task", "End": true}\n  }\n}'
    assert where(validate_definition(text)) == [("ASL101", 4, 5, "/States/A")]


def test_duplicate_keys_are_found_in_the_raw_json():
    assert where(validate_definition(JSON_TEXT)) == [("ASL002", 5, 58, "/States/B/Comment")]


def test_yaml_positions_and_duplicate_keys():
    text = textwrap.dedent("""\
        StartAt: A
        States:
          A:
            Type: Pass
            Next: Nowhere
          A:
            Type: Succeed
        """)
    assert where(validate_definition(text, file="m.asl.yaml")) == [
        ("ASL002", 6, 3, "/States/A")]
    text = text.replace("  A:\n    Type: Succeed\n", "")
    assert where(validate_definition(text, file="m.asl.yaml")) == [
        ("ASL203", 2, 1, "/States"), ("ASL201", 5, 11, "/States/A/Next")]


def test_unreadable_text_is_one_diagnostic_with_its_position():
    [d] = validate_definition('{\n  "StartAt": "A",\n  "States": {\n', file="x.asl.json")
    assert (d.code, d.line, d.column, d.message) == (
        "ASL001", 4, 1, "not valid JSON: Expecting property name enclosed in double quotes")


def write(folder, name, text):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


SAM = """\
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Fn:
        Type: AWS::Serverless::Function
      Inline:
        Type: AWS::Serverless::StateMachine
        Properties:
          DefinitionSubstitutions:
            FnArn: !GetAtt Fn.Arn
            Table: orders
          Definition:
            StartAt: Call
            States:
              Call:
                Type: Task
                Resource: ${FnArn}
                Next: Sav
              Save:
                Type: Task
                Resource: arn:aws:states:::dynamodb:putItem
                Parameters:
                  TableName: ${Table}
                  Item: {}
                End: true
      AsString:
        Type: AWS::StepFunctions::StateMachine
        Properties:
          DefinitionString: !Sub |
            {
              "StartAt": "Wait",
              "States": {
                "Wait": {"Type": "Wait", "Seconds": ${Delay}, "Next": "Call2"},
                "Call2": {"Type": "Task", "Resource": "${Fn.Arn}", "Nxt": "x", "End": true}
              }
            }
          DefinitionSubstitutions:
            Delay: 5
      FromFile:
        Type: AWS::Serverless::StateMachine
        Properties:
          DefinitionUri: statemachine/flow.asl.json
          DefinitionSubstitutions:
            Queue: https://sqs.us-east-1.amazonaws.com/123456789012/q
      OnS3:
        Type: AWS::Serverless::StateMachine
        Properties:
          DefinitionUri: s3://bucket/flow.json
    """

FLOW = """\
    {
      "StartAt": "Send",
      "States": {
        "Send": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
                 "Parameters": {"QueueUrl": "${Queue}", "MessageBody": "${Body}"}, "End": true}
      }
    }
    """


def test_a_sam_template_yields_one_result_per_machine(tmp_path):
    template = write(tmp_path, "template.yaml", SAM)
    write(tmp_path, "statemachine/flow.asl.json", FLOW)
    results = validate_paths([str(template)])
    assert [r.file for r in results] == [f"{template}#{name}" for name in
                                         ("Inline", "AsString", "FromFile", "OnS3")]
    inline, as_string, from_file, on_s3 = (where(r.diagnostics) for r in results)
    # Definition: positions in the template; substitutions give no false errors
    assert inline == [("ASL201", 17, 19, "/States/Call/Next"), ("ASL202", 18, 11, "/States/Save")]
    # DefinitionString in a literal block: exact positions despite the substitutions before them
    assert as_string == [("ASL102", 33, 64, "/States/Call2/Nxt")]
    # DefinitionUri: positions in the definition file; an unknown placeholder is a warning, at
    # the placeholder itself
    assert from_file == [("ASL003", 5, 69, "")]
    assert results[2].diagnostics[0].file == str(tmp_path / "statemachine" / "flow.asl.json")
    assert on_s3 == [("ASL003", 47, 7, "/DefinitionUri")]
    assert results[3].diagnostics[0].severity == "warning"


def test_a_folder_finds_definitions_and_templates_and_checks_a_used_file_once(tmp_path):
    write(tmp_path, "template.yaml", SAM)
    write(tmp_path, "statemachine/flow.asl.json", FLOW)
    write(tmp_path, "other.yaml", "key: value\n")
    write(tmp_path, "plain.json", '{"StartAt": "A"}')
    files = sorted(r.file.replace(str(tmp_path), "") for r in validate_paths([str(tmp_path)]))
    assert files == ["/template.yaml#AsString", "/template.yaml#FromFile", "/template.yaml#Inline",
                     "/template.yaml#OnS3"]


def test_a_json_template_with_fn_join_definition_string(tmp_path):
    template = write(tmp_path, "stack.json", """\
        {"Resources": {"M": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
          "DefinitionString": {"Fn::Join": ["", [
            "{\\"StartAt\\": \\"A\\", \\"States\\": {\\"A\\": {\\"Type\\": \\"Task\\", \\"Resource\\": \\"",
            {"Fn::GetAtt": ["Fn", "Arn"]},
            "\\", \\"Next\\": \\"Gone\\"}, \\"Gone\\": {\\"Type\\": \\"Succeed\\"}}}"]]}}}}}
        """)
    [result] = validate_paths([str(template)])
    # no false error from the Fn::GetAtt in the Resource; positions point at the DefinitionString
    assert [(d.code, d.pointer, d.line) for d in result.diagnostics] == []
    broken = template.read_text().replace('\\"Next\\": \\"Gone\\"', '\\"Next\\": \\"Gome\\"')
    template.write_text(broken)
    [result] = validate_paths([str(template)])
    assert [(d.code, d.pointer, d.line, d.column) for d in result.diagnostics] == [
        ("ASL201", "/States/A/Next", 2, 23), ("ASL202", "/States/Gone", 2, 23)]
