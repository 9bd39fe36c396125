"""CloudFormation's intrinsic functions, evaluated offline with documented stand-ins.

CloudFormation resolves ``Ref``, ``Fn::GetAtt``, ``Fn::Sub``, ``Fn::Join``... before the Step
Functions handler sees a definition, so aslsim does the same. What only exists once deployed is
stood in by stable values built from the logical id (docs/sources.md):

- a parameter: the value given (``--sub``), else its ``Default``, else ``1`` for a Number and its
  name for anything else;
- ``Ref`` / ``Fn::GetAtt`` of a resource: what CloudFormation returns for that resource type
  (a Lambda function's ``Ref`` is its name, ``Arn`` its ARN, an SNS topic's ``Ref`` its ARN, an SQS
  queue's its URL, ...), named after the resource's name property when it is a plain string
  (``FunctionName``, ``TableName``...), else after the logical id, in us-east-1, account
  123456789012;
- ``Fn::ImportValue``: a Lambda function ARN named after the export when the export's name says
  ARN, else the export's name;
- the pseudo parameters: ``AWS::Region`` us-east-1, ``AWS::AccountId`` 123456789012,
  ``AWS::Partition`` aws, ...
"""
from __future__ import annotations

import base64
import json
import re
from typing import Any, Mapping

from .placeholders import PLACEHOLDER, PSEUDO

REGION, ACCOUNT = "us-east-1", "123456789012"
_NO_VALUE = object()

# resource type -> (name property, Ref gives "name" or "arn" or "url", ARN pattern with {name})
_TYPES = {
    "AWS::Lambda::Function": ("FunctionName", "name", "arn:aws:lambda:{r}:{a}:function:{name}"),
    "AWS::Serverless::Function": ("FunctionName", "name", "arn:aws:lambda:{r}:{a}:function:{name}"),
    "AWS::Lambda::Alias": ("Name", "arn", "arn:aws:lambda:{r}:{a}:function:{name}"),
    "AWS::StepFunctions::StateMachine": ("StateMachineName", "arn",
                                         "arn:aws:states:{r}:{a}:stateMachine:{name}"),
    "AWS::Serverless::StateMachine": ("Name", "arn", "arn:aws:states:{r}:{a}:stateMachine:{name}"),
    "AWS::StepFunctions::Activity": ("Name", "arn", "arn:aws:states:{r}:{a}:activity:{name}"),
    "AWS::SNS::Topic": ("TopicName", "arn", "arn:aws:sns:{r}:{a}:{name}"),
    "AWS::SQS::Queue": ("QueueName", "url", "arn:aws:sqs:{r}:{a}:{name}"),
    "AWS::DynamoDB::Table": ("TableName", "name", "arn:aws:dynamodb:{r}:{a}:table/{name}"),
    "AWS::DynamoDB::GlobalTable": ("TableName", "name", "arn:aws:dynamodb:{r}:{a}:table/{name}"),
    "AWS::Serverless::SimpleTable": ("TableName", "name", "arn:aws:dynamodb:{r}:{a}:table/{name}"),
    "AWS::S3::Bucket": ("BucketName", "name", "arn:aws:s3:::{name}"),
    "AWS::IAM::Role": ("RoleName", "name", "arn:aws:iam::{a}:role/{name}"),
    "AWS::Events::EventBus": ("Name", "name", "arn:aws:events:{r}:{a}:event-bus/{name}"),
    "AWS::Events::Rule": ("Name", "name", "arn:aws:events:{r}:{a}:rule/{name}"),
    "AWS::ECS::Cluster": ("ClusterName", "name", "arn:aws:ecs:{r}:{a}:cluster/{name}"),
    "AWS::ECS::TaskDefinition": ("Family", "arn", "arn:aws:ecs:{r}:{a}:task-definition/{name}:1"),
    "AWS::Batch::JobQueue": ("JobQueueName", "arn", "arn:aws:batch:{r}:{a}:job-queue/{name}"),
    "AWS::Batch::JobDefinition": ("JobDefinitionName", "arn",
                                  "arn:aws:batch:{r}:{a}:job-definition/{name}:1"),
    "AWS::Glue::Job": ("Name", "name", "arn:aws:glue:{r}:{a}:job/{name}"),
    "AWS::Glue::Crawler": ("Name", "name", "arn:aws:glue:{r}:{a}:crawler/{name}"),
    "AWS::Logs::LogGroup": ("LogGroupName", "name", "arn:aws:logs:{r}:{a}:log-group:{name}:*"),
    "AWS::Kinesis::Stream": ("Name", "name", "arn:aws:kinesis:{r}:{a}:stream/{name}"),
    "AWS::SecretsManager::Secret": ("Name", "arn", "arn:aws:secretsmanager:{r}:{a}:secret:{name}"),
    "AWS::CodeBuild::Project": ("Name", "name", "arn:aws:codebuild:{r}:{a}:project/{name}"),
    "AWS::Athena::WorkGroup": ("Name", "name", "arn:aws:athena:{r}:{a}:workgroup/{name}"),
    "AWS::EKS::Cluster": ("Name", "name", "arn:aws:eks:{r}:{a}:cluster/{name}"),
}


class Intrinsics:
    """Evaluates a template's intrinsic functions; ``overrides`` (``--sub``) win over parameters."""

    def __init__(self, template: dict, overrides: Mapping[str, str] | None = None):
        self.template = template
        self.overrides = dict(overrides or {})
        self.parameters = _dict(template.get("Parameters"))
        self.resources = _dict(template.get("Resources"))
        self.mappings = _dict(template.get("Mappings"))
        self.conditions = _dict(template.get("Conditions"))
        self._naming: set = set()

    # ---- names CloudFormation resolves ----------------------------------------------------
    def knows(self, name: str) -> bool:
        base = name.split(".", 1)[0]
        return name in PSEUDO or name in self.overrides or base in self.parameters \
            or base in self.resources

    def ref(self, name: str) -> Any:
        if name in self.overrides:
            return self.overrides[name]
        if name in PSEUDO:
            return _NO_VALUE if name == "AWS::NoValue" else PSEUDO[name]
        if name in self.parameters:
            return self._parameter(name)
        resource = self.resources.get(name)
        if isinstance(resource, dict):
            kind = _TYPES.get(resource.get("Type"))
            if kind is None:
                return name
            given = {"name": self.resource_name(name), "arn": self.arn(name),
                     "url": f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{self.resource_name(name)}"}
            return given[kind[1]]
        return name

    def get_att(self, name: str, attribute: str) -> Any:
        key = f"{name}.{attribute}"
        if key in self.overrides:
            return self.overrides[key]
        resource = self.resources.get(name)
        if attribute.endswith("Arn") or attribute == "Arn":
            return self.arn(name)
        if attribute.endswith("Name"):
            return self.resource_name(name)
        if attribute in ("QueueUrl", "Url"):
            return f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{self.resource_name(name)}"
        if isinstance(resource, dict) and resource.get("Type") == "AWS::SQS::Queue":
            return self.ref(name)
        return f"{name}-{attribute}"

    def resource_name(self, name: str) -> str:
        resource = self.resources.get(name)
        kind = _TYPES.get(resource.get("Type")) if isinstance(resource, dict) else None
        properties = resource.get("Properties") if isinstance(resource, dict) else None
        if kind and isinstance(properties, dict) and kind[0] in properties and name not in self._naming:
            self._naming.add(name)               # a name built from itself stops here
            try:
                value = self.resolve(properties[kind[0]])
            finally:
                self._naming.discard(name)
            if isinstance(value, str) and value:
                return value
        return name.lower() if kind and kind[0] == "BucketName" else name

    def arn(self, name: str) -> str:
        resource = self.resources.get(name)
        kind = _TYPES.get(resource.get("Type")) if isinstance(resource, dict) else None
        if kind is None:
            service = "lambda"
            if isinstance(resource, dict) and isinstance(resource.get("Type"), str):
                parts = resource["Type"].split("::")
                service = parts[1].lower() if len(parts) > 2 else service
                if service != "lambda":
                    return f"arn:aws:{service}:{REGION}:{ACCOUNT}:{parts[-1].lower()}/{name}"
            return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
        return kind[2].format(r=REGION, a=ACCOUNT, name=self.resource_name(name))

    def _parameter(self, name: str) -> Any:
        spec = self.parameters[name] if isinstance(self.parameters[name], dict) else {}
        if "Default" in spec:
            default = spec["Default"]
            return ",".join(map(str, default)) if isinstance(default, list) else default
        return 1 if spec.get("Type") == "Number" else name

    # ---- evaluation -----------------------------------------------------------------------
    def resolve(self, value: Any) -> Any:
        """``value`` with every intrinsic function inside it evaluated."""
        if isinstance(value, list):
            return [v for v in (self.resolve(v) for v in value) if v is not _NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (key, argument), = value.items()
            handler = _FUNCTIONS.get(key)
            if handler is not None:
                return handler(self, argument)
        out = {}
        for key, item in value.items():
            resolved = self.resolve(item)
            if resolved is not _NO_VALUE:
                out[key] = resolved
        return out

    def text(self, value: Any) -> Any:
        """Resolved, and as the text CloudFormation would put in a string."""
        resolved = self.resolve(value)
        if isinstance(resolved, bool):
            return "true" if resolved else "false"
        if isinstance(resolved, (int, float)):
            return str(resolved)
        return resolved

    def sub(self, text: str, variables: Mapping[str, Any]) -> str:
        def replace(m):
            if m.group(1):
                return "${" + m.group(2) + "}"
            name = m.group(2).strip()
            if name in variables:
                return str(self.text(variables[name]))
            if "." in name and name.split(".", 1)[0] in self.resources:
                return str(self.get_att(*name.split(".", 1)))
            value = self.ref(name)
            return "" if value is _NO_VALUE else str(self.text(value))
        return PLACEHOLDER.sub(replace, text)

    def condition(self, name: Any) -> bool:
        spec = self.conditions.get(name) if isinstance(name, str) else name
        if isinstance(spec, dict) and len(spec) == 1:
            (key, argument), = spec.items()
            items = argument if isinstance(argument, list) else [argument]
            if key == "Fn::Equals" and len(items) == 2:
                return str(self.text(items[0])) == str(self.text(items[1]))
            if key == "Fn::Not" and items:
                return not self.condition(items[0])
            if key == "Fn::And":
                return all(self.condition(i) for i in items)
            if key == "Fn::Or":
                return any(self.condition(i) for i in items)
            if key == "Condition":
                return self.condition(argument)
        return True          # a condition that cannot be evaluated offline: its first branch


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _ref(ev: Intrinsics, name):
    return ev.ref(name) if isinstance(name, str) else ev.resolve(name)


def _get_att(ev: Intrinsics, argument):
    if isinstance(argument, str):
        argument = argument.split(".", 1)
    if isinstance(argument, list) and len(argument) == 2:
        name, attribute = argument[0], ev.text(argument[1])
        if isinstance(name, str) and isinstance(attribute, str):
            return ev.get_att(name, attribute)
    return "stand-in"


def _sub(ev: Intrinsics, argument):
    if isinstance(argument, str):
        return ev.sub(argument, {})
    if isinstance(argument, list) and argument and isinstance(argument[0], str):
        variables = argument[1] if len(argument) > 1 and isinstance(argument[1], dict) else {}
        return ev.sub(argument[0], variables)
    return ev.resolve(argument)


def _join(ev: Intrinsics, argument):
    if isinstance(argument, list) and len(argument) == 2:
        parts = ev.resolve(argument[1])
        if isinstance(parts, list):
            return str(ev.text(argument[0])).join(str(ev.text(p)) for p in parts)
    return ev.resolve(argument)


def _select(ev: Intrinsics, argument):
    if isinstance(argument, list) and len(argument) == 2:
        index, items = ev.resolve(argument[0]), ev.resolve(argument[1])
        try:
            return items[int(index)]
        except (TypeError, ValueError, IndexError, KeyError):
            return "stand-in"
    return "stand-in"


def _split(ev: Intrinsics, argument):
    if isinstance(argument, list) and len(argument) == 2:
        text = ev.text(argument[1])
        if isinstance(text, str):
            return text.split(str(ev.text(argument[0])))
    return []


def _if(ev: Intrinsics, argument):
    if isinstance(argument, list) and len(argument) == 3:
        return ev.resolve(argument[1] if ev.condition(argument[0]) else argument[2])
    return ev.resolve(argument)


def _find_in_map(ev: Intrinsics, argument):
    if isinstance(argument, list) and len(argument) >= 3:
        names = [ev.text(a) for a in argument[:3]]
        table = ev.mappings.get(names[0])
        if isinstance(table, dict):
            top = table.get(names[1]) or next(iter(table.values()), None)
            if isinstance(top, dict):
                return ev.resolve(top.get(names[2], next(iter(top.values()), "stand-in")))
    return "stand-in"


def _import_value(ev: Intrinsics, argument):
    name = str(ev.text(argument))
    token = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-") or "export"
    if "arn" in name.lower():
        return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{token}"
    return token


def _base64(ev: Intrinsics, argument):
    return base64.b64encode(str(ev.text(argument)).encode()).decode()


_FUNCTIONS = {
    "Ref": _ref, "Fn::GetAtt": _get_att, "Fn::Sub": _sub, "Fn::Join": _join, "Fn::Select": _select,
    "Fn::Split": _split, "Fn::If": _if, "Fn::FindInMap": _find_in_map,
    "Fn::ImportValue": _import_value, "Fn::Base64": _base64,
    "Fn::GetAZs": lambda ev, argument: [f"{REGION}{z}" for z in "abc"],
    "Fn::ToJsonString": lambda ev, argument: json.dumps(ev.resolve(argument), separators=(",", ":")),
    "Fn::Length": lambda ev, argument: len(ev.resolve(argument) or []),
}
