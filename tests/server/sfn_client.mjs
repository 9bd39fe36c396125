// Drives aslsim serve with the AWS SDK for JavaScript v3 (@aws-sdk/client-sfn) and prints what
// each call answered, as JSON, for test_js_sdk.py to check. Usage: node sfn_client.mjs ENDPOINT
import {
  SFNClient, CreateStateMachineCommand, StartExecutionCommand, DescribeExecutionCommand,
  GetExecutionHistoryCommand, DescribeStateMachineCommand, CreateActivityCommand,
  GetActivityTaskCommand, SendTaskSuccessCommand, StartSyncExecutionCommand, TestStateCommand,
  ValidateStateMachineDefinitionCommand, paginateListExecutions,
} from "@aws-sdk/client-sfn";

const endpoint = process.argv[2];
const sfn = new SFNClient({
  endpoint, region: "us-east-1", disableHostPrefix: true, maxAttempts: 1,
  credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
});
const role = "arn:aws:iam::123456789012:role/aslsim";
const out = {};

const pass = { StartAt: "P", States: { P: { Type: "Pass", Result: { from: "js" }, End: true } } };
const machine = await sfn.send(new CreateStateMachineCommand({ name: "js", definition: JSON.stringify(pass), roleArn: role }));
out.created = machine.stateMachineArn;
out.creationDateIsDate = machine.creationDate instanceof Date;
const started = [];
for (let i = 0; i < 3; i++) {
  started.push((await sfn.send(new StartExecutionCommand({ stateMachineArn: machine.stateMachineArn, name: `run-${i}` }))).executionArn);
}
const described = await sfn.send(new DescribeExecutionCommand({ executionArn: started[0] }));
out.described = { status: described.status, output: described.output, redriveStatus: described.redriveStatus };
const listed = [];
for await (const page of paginateListExecutions({ client: sfn, pageSize: 2 }, { stateMachineArn: machine.stateMachineArn })) {
  listed.push(...page.executions.map((e) => e.name));
}
out.listed = listed;
const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: started[0], reverseOrder: true }));
out.historyTypes = history.events.map((e) => e.type);

try {
  await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:nope" }));
} catch (err) {
  out.error = { name: err.name, message: err.message, status: err.$metadata.httpStatusCode };
}

const activity = await sfn.send(new CreateActivityCommand({ name: "js-worker" }));
const work = { StartAt: "W", States: { W: { Type: "Task", Resource: activity.activityArn, End: true } } };
const worker = await sfn.send(new CreateStateMachineCommand({ name: "js-work", definition: JSON.stringify(work), roleArn: role }));
const waiting = await sfn.send(new StartExecutionCommand({ stateMachineArn: worker.stateMachineArn, input: '{"n": 2}' }));
const task = await sfn.send(new GetActivityTaskCommand({ activityArn: activity.activityArn, workerName: "node" }));
out.taskInput = task.input;
await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{"doubled": 4}' }));
out.worked = (await sfn.send(new DescribeExecutionCommand({ executionArn: waiting.executionArn }))).output;

const express = await sfn.send(new CreateStateMachineCommand({ name: "js-fast", type: "EXPRESS", definition: JSON.stringify(pass), roleArn: role }));
const sync = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn: express.stateMachineArn }));
out.sync = { status: sync.status, output: sync.output, billed: sync.billingDetails.billedDurationInMilliseconds };

const tested = await sfn.send(new TestStateCommand({ definition: '{"Type": "Pass", "Result": 7, "Next": "N"}', inspectionLevel: "DEBUG" }));
out.tested = { status: tested.status, output: tested.output, nextState: tested.nextState, result: tested.inspectionData.result };
const validated = await sfn.send(new ValidateStateMachineDefinitionCommand({ definition: '{"StartAt": "A", "States": {}}' }));
out.validated = validated.result;

console.log(JSON.stringify(out));
