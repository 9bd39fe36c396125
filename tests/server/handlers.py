"""Local Lambda handlers the server tests run."""
import json

import boto3


def start_child(event, context):
    """Start an execution of event["child"] through the SDK, as an application's Lambda would."""
    client = boto3.client("stepfunctions")       # reaches aslsim through AWS_ENDPOINT_URL_SFN
    started = client.start_execution(stateMachineArn=event["child"], input=json.dumps({"from": "lambda"}))
    return {"executionArn": started["executionArn"]}
