"""checkSize: the size in bytes of the S3 object named by the BUCKET and KEY environment variables.

Its whole result is the number, which the state machine's Choice state routes on.
"""
import os

import boto3


def handler(event, context):
    # the client is made per call, so that it talks to whatever S3 is active (moto in the tests)
    s3 = boto3.client("s3")
    head = s3.head_object(Bucket=os.environ["BUCKET"], Key=os.environ["KEY"])
    return head["ContentLength"]
