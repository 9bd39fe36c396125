"""Hints for a Task that failed while naming a resource in another region or account than the
run's: moto (and AWS) keep each region's and account's resources apart, so an SNS topic ARN in
eu-west-1 is "not found" from a run in us-east-1, with nothing in the error to say why.
"""
from __future__ import annotations

import re
from typing import Any, Iterator

_ARN = re.compile(r"arn:aws[a-z-]*:([a-z0-9-]+):([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):[^\s\"']*")


def mismatch_hints(calls: list[dict], execution_arn: str) -> list[str]:
    """One line per failed Task whose resource or parameters name another region or account."""
    parts = execution_arn.split(":")
    if len(parts) < 5:
        return []
    region, account = parts[3], parts[4]
    hints, seen = [], set()
    for call in calls:
        if call.get("error") is None or call.get("state") in seen:
            continue
        for arn, arn_region, arn_account in _arns([call.get("resource"), call.get("parameters")]):
            if arn_region != region:
                what = (f"region {arn_region}", f"the run is in {region}: run it there with "
                        f"region='{arn_region}' (--region {arn_region}; in pytest "
                        f"@pytest.mark.aslsim_aws(region='{arn_region}') or the ini aslsim_region)")
            elif arn_account != account:
                what = (f"account {arn_account}", f"the run is in account {account}: run it there "
                        f"with account='{arn_account}' (--account {arn_account}; in pytest "
                        f"@pytest.mark.aslsim_aws(account='{arn_account}') or the ini aslsim_account)")
            else:
                continue
            seen.add(call.get("state"))
            hints.append(f"the Task state '{call.get('state')}' failed and names {what[0]} ({arn}); "
                         f"{what[1]}")
            break
    return hints


def _arns(values: list[Any]) -> Iterator[tuple[str, str, str]]:
    stack = list(values)
    while stack:
        value = stack.pop(0)
        if isinstance(value, str):
            for match in _ARN.finditer(value):
                yield match.group(0), match.group(2), match.group(3)
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
