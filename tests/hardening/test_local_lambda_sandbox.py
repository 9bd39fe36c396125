"""Local Lambda handlers run as Lambda runs them: each function its own imports, an exit of the
runtime (sys.exit, SystemExit, KeyboardInterrupt, GeneratorExit) a failed call with
Runtime.ExitError recorded in the execution, a chdir undone, a wrong signature failing the call,
and never the shell's credentials (Lambda gives a function its role's, here stand-ins)."""
import json
import os
import sys
import textwrap

import pytest

import aslsim
from aslsim.services.lambda_local import FAKE_CREDENTIALS

INVOKE = "arn:aws:states:::lambda:invoke"


def invoke(function, next_state=None):
    state = {"Type": "Task", "Resource": INVOKE, "Parameters": {"FunctionName": function, "Payload.$": "$"},
             "ResultSelector": {"value.$": "$.Payload"}, "ResultPath": f"$.{function}"}
    state.update({"Next": next_state} if next_state else {"End": True})
    return state


def write(folder, name, source):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(textwrap.dedent(source), encoding="utf-8")
    return folder / name


def test_two_functions_in_different_folders_each_import_their_own_helper(tmp_path):
    for name in ("a", "b"):
        write(tmp_path / name, "helper.py", f"WHO = '{name}'\ncalls = []\n")
        write(tmp_path / name, "handler.py", """
            import helper

            def handler(event, context):
                import helper as again          # an import at call time finds the same module
                helper.calls.append(1)
                return {"who": helper.WHO, "same": again is helper, "calls": len(helper.calls)}
            """)
    machine = aslsim.load({"StartAt": "A", "States": {"A": invoke("fa", "B"), "B": invoke("fb")}})
    lambdas = {"fa": str(tmp_path / "a" / "handler.py") + ":handler",
               "fb": str(tmp_path / "b" / "handler.py") + ":handler"}
    execution = machine.run({}, lambdas=lambdas)
    assert execution.status == "SUCCEEDED", execution.cause
    assert execution.output["fa"]["value"] == {"who": "a", "same": True, "calls": 1}
    assert execution.output["fb"]["value"] == {"who": "b", "same": True, "calls": 1}
    assert "helper" not in sys.modules          # and the test's own imports are left alone


def test_a_module_the_test_already_imported_stays_shared(tmp_path, monkeypatch):
    write(tmp_path, "shared_thing.py", "VALUE = 'the test\\'s'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import shared_thing
    write(tmp_path / "fn", "handler.py", "import shared_thing\ndef handler(e, c):\n    return shared_thing.VALUE\n")
    machine = aslsim.load({"StartAt": "A", "States": {"A": invoke("fa")}})
    execution = machine.run({}, lambdas={"fa": str(tmp_path / "fn" / "handler.py") + ":handler"})
    assert execution.output["fa"]["value"] == shared_thing.VALUE


@pytest.mark.parametrize("body, message", [
    ("sys.exit(3)", "Runtime exited with error: exit status 3"),
    ("sys.exit('bye')", "Runtime exited with error: exit status 1"),
    ("sys.exit()", "Runtime exited without providing a reason"),
    ("raise SystemExit(0)", "Runtime exited without providing a reason"),
    ("raise KeyboardInterrupt", "Runtime exited with error: signal: interrupt"),
    ("raise GeneratorExit", "Runtime exited with error: exit status 1"),
])
def test_a_handler_that_ends_the_runtime_fails_the_call_with_runtime_exit_error(tmp_path, body, message):
    write(tmp_path, "quit.py", f"import sys\ndef handler(event, context):\n    {body}\n")
    definition = {"StartAt": "A", "States": {"A": {**invoke("fa"), "Catch": [
        {"ErrorEquals": ["Runtime.ExitError"], "Next": "Caught"}]}, "Caught": {"Type": "Pass", "End": True}}}
    execution = aslsim.load(definition).run({}, lambdas={"fa": str(tmp_path / "quit.py") + ":handler"})
    assert execution.status == "SUCCEEDED"
    assert execution.flat_path() == ["A", "Caught"]
    failed = next(e for e in execution.history if e["type"] == "TaskFailed")["taskFailedEventDetails"]
    assert failed["error"] == "Runtime.ExitError"
    document = json.loads(failed["cause"])
    assert document["errorType"] == "Runtime.ExitError"
    assert document["errorMessage"].startswith("RequestId: ") and document["errorMessage"].endswith(message)
    assert execution.calls[0]["error"] == "Runtime.ExitError"


def test_a_handler_that_exits_ends_only_its_call_not_the_test(tmp_path):
    write(tmp_path, "quit.py", "import sys\ndef handler(event, context):\n    sys.exit(2)\n")
    execution = aslsim.load({"StartAt": "A", "States": {"A": invoke("fa")}}).run(
        {}, lambdas={"fa": str(tmp_path / "quit.py") + ":handler"})
    assert (execution.status, execution.error) == ("FAILED", "Runtime.ExitError")


def test_a_handler_chdir_is_undone(tmp_path):
    write(tmp_path, "wander.py", f"import os\ndef handler(event, context):\n    os.chdir({str(tmp_path)!r})\n"
                                 "    return os.getcwd()\n")
    before = os.getcwd()
    execution = aslsim.load({"StartAt": "A", "States": {"A": invoke("fa")}}).run(
        {}, lambdas={"fa": str(tmp_path / "wander.py") + ":handler"})
    assert execution.output["fa"]["value"] == str(tmp_path)
    assert os.getcwd() == before


@pytest.mark.parametrize("signature, error", [("event", "TypeError"), ("", "TypeError"),
                                              ("event, context, extra", "TypeError")])
def test_a_handler_file_with_the_wrong_signature_fails_the_call_as_lambda_does(tmp_path, signature, error):
    write(tmp_path, "wrong.py", f"def handler({signature}):\n    return 1\n")
    execution = aslsim.load({"StartAt": "A", "States": {"A": invoke("fa")}}).run(
        {}, lambdas={"fa": str(tmp_path / "wrong.py") + ":handler"})
    assert (execution.status, execution.error) == ("FAILED", error)
    assert "positional argument" in json.loads(execution.cause)["errorMessage"]


def test_a_handler_that_exits_while_loading_is_a_clear_error(tmp_path):
    write(tmp_path, "boom.py", "import sys\nsys.exit(1)\n")
    with pytest.raises(aslsim.InputError, match="loading .*boom.py failed: SystemExit"):
        aslsim.load({"StartAt": "A", "States": {"A": invoke("fa")}}).run(
            {}, lambdas={"fa": str(tmp_path / "boom.py") + ":handler"})


def test_handlers_see_stand_in_credentials_never_the_shells(tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALLOOKINGKEY01")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real/looking/secret")
    monkeypatch.setenv("AWS_PROFILE", "production")
    write(tmp_path, "creds.py", """
        import os
        AT_IMPORT = os.environ.get("AWS_ACCESS_KEY_ID")
        def handler(event, context):
            return {"import": AT_IMPORT, "call": os.environ.get("AWS_ACCESS_KEY_ID"),
                    "profile": os.environ.get("AWS_PROFILE")}
        """)
    execution = aslsim.load({"StartAt": "A", "States": {"A": invoke("fa")}}).run(
        {}, lambdas={"fa": str(tmp_path / "creds.py") + ":handler"})
    fake = FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"]
    assert execution.output["fa"]["value"] == {"import": fake, "call": fake, "profile": None}
    assert os.environ["AWS_ACCESS_KEY_ID"] == "AKIAREALLOOKINGKEY01" and os.environ["AWS_PROFILE"] == "production"


# --- handlers called at the same moment from several threads (the server runs executions so) ---

def _meeting(parties: int):
    """Handlers that wait for each other (and the test) inside their calls, then report the
    environment they see; the test checks its own while they are all inside."""
    import threading
    inside, leaving = threading.Barrier(parties, timeout=20), threading.Barrier(parties, timeout=20)

    def handler(event, context):
        inside.wait()
        seen = {key: os.environ.get(key) for key in ("WHO", "AWS_LAMBDA_FUNCTION_NAME", "SET_BY_HANDLER")}
        os.environ["SET_BY_HANDLER"] = seen["WHO"]          # each call's own, never the others'
        seen["after_setting"] = os.environ["SET_BY_HANDLER"]
        leaving.wait()
        return seen
    return handler, inside, leaving


def test_concurrent_handlers_each_see_their_own_environment_and_the_test_sees_its_own():
    import threading
    handler, inside, leaving = _meeting(3)
    machine = aslsim.load({"StartAt": "A", "States": {"A": invoke("who")}})
    results = {}

    def run(who):
        lambdas = {"who": {"handler": handler, "environment": {"WHO": who}}}
        results[who] = machine.run({}, lambdas=lambdas, name=f"run-{who}")
    threads = [threading.Thread(target=run, args=(who,)) for who in ("a", "b")]
    for thread in threads:
        thread.start()
    inside.wait()          # both handlers are inside their calls now
    during = {key: os.environ.get(key) for key in ("WHO", "AWS_LAMBDA_FUNCTION_NAME", "SET_BY_HANDLER")}
    leaving.wait()
    for thread in threads:
        thread.join(20)
    assert during == {"WHO": None, "AWS_LAMBDA_FUNCTION_NAME": None, "SET_BY_HANDLER": None}
    for who in ("a", "b"):
        assert results[who].status == "SUCCEEDED", results[who].cause
        assert results[who].output["who"]["value"] == {"WHO": who, "AWS_LAMBDA_FUNCTION_NAME": "who",
                                                        "SET_BY_HANDLER": None, "after_setting": who}
    assert "SET_BY_HANDLER" not in os.environ and "WHO" not in os.environ


def test_a_function_called_twice_at_once_lends_its_modules_and_takes_them_all_back(tmp_path):
    import threading
    import sandbox_meeting as meeting    # the test's module: shared, not the function's
    write(tmp_path, "helper.py", "WHO = 'folder helper'\n")
    write(tmp_path, "handler.py", """
        import helper
        import sandbox_meeting as meeting

        def handler(event, context):
            meeting.inside.wait()
            import helper as again          # a call-time import, while the other call is inside too
            meeting.leaving.wait()
            return {"who": again.WHO, "same": again is helper}
        """)
    meeting.inside, meeting.leaving = threading.Barrier(2, timeout=20), threading.Barrier(2, timeout=20)
    machine = aslsim.load({"StartAt": "A", "States": {"A": invoke("fa")}})
    from aslsim.services.lambda_local import LocalLambdas
    lambdas = LocalLambdas({"fa": str(tmp_path / "handler.py") + ":handler"})
    results = []
    threads = [threading.Thread(target=lambda n=n: results.append(machine.run({}, lambdas=lambdas, name=f"r{n}")))
               for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert [r.output["fa"]["value"] for r in results] == [{"who": "folder helper", "same": True}] * 2
    assert "helper" not in sys.modules          # lent for the calls, all taken back after
    assert str(tmp_path) not in sys.path
