"""The fixtures: finding machines, mocks, the virtual start, the run helper, moto."""

BIG_FILE_MOCKS = """{"CheckFileSize": {"return": 3145728}, "ProcessFile": {"return": {"processed": True}}}"""


def test_load_machine_finds_a_machine_next_to_the_test_file(pytester, example):
    example("file_size_check", "tests")
    pytester.makepyfile(**{"tests/test_x": """
        def test_it(load_machine):
            machine = load_machine("file_size_check.asl.json")
            assert machine.name == "file_size_check"
            assert machine.run({}, mocks={"CheckFileSize": {"return": 1}}).status == "SUCCEEDED"
    """})
    pytester.runpytest().assert_outcomes(passed=1)


def test_load_machine_finds_a_machine_in_the_ini_folder(pytester, example):
    example("file_size_check", "statemachines")
    pytester.makeini("[pytest]\naslsim_statemachines = statemachines\n")
    pytester.makepyfile(**{"tests/workflows/test_x": """
        def test_it(load_machine):
            assert load_machine("file_size_check.asl.json").name == "file_size_check"
    """})
    pytester.runpytest().assert_outcomes(passed=1)


def test_the_ini_folder_is_relative_to_the_ini_file(pytester, example, monkeypatch):
    example("file_size_check", "statemachines")
    pytester.makeini("[pytest]\naslsim_statemachines = statemachines\n")
    pytester.makepyfile(**{"tests/test_x": """
        def test_it(load_machine):
            assert load_machine("file_size_check.asl.json").name == "file_size_check"
    """})
    monkeypatch.chdir(pytester.path / "tests")
    pytester.runpytest().assert_outcomes(passed=1)


def test_load_machine_finds_a_machine_in_the_option_folder(pytester, example):
    example("file_size_check", "machines")
    pytester.makepyfile(**{"tests/test_x": """
        def test_it(load_machine):
            assert load_machine("file_size_check.asl.json").name == "file_size_check"
    """})
    pytester.runpytest("--aslsim-statemachines", "machines").assert_outcomes(passed=1)


def test_load_machine_finds_a_path_relative_to_the_project_root(pytester, example):
    example("file_size_check", "statemachines")
    pytester.makeini("[pytest]\n")
    pytester.makepyfile(**{"tests/workflows/test_x": """
        def test_it(load_machine):
            assert load_machine("statemachines/file_size_check.asl.json").name == "file_size_check"
    """})
    pytester.runpytest().assert_outcomes(passed=1)


def test_a_missing_machine_lists_where_it_was_looked_for(pytester):
    pytester.makeini("[pytest]\naslsim_statemachines = statemachines\n")
    pytester.makepyfile(test_x="""
        def test_it(load_machine):
            load_machine("nowhere.asl.json")
    """)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*MachineNotFound: state machine 'nowhere.asl.json' not found; looked for:",
        f"*{pytester.path}/nowhere.asl.json",
        f"*{pytester.path}/statemachines/nowhere.asl.json",
    ])


def test_a_machine_is_compiled_once_per_session(pytester, example):
    example("file_size_check")
    pytester.makepyfile(test_x="""
        seen = []

        def test_one(load_machine):
            seen.append(load_machine("file_size_check.asl.json"))

        def test_two(load_machine):
            assert load_machine("file_size_check.asl.json") is seen[0]
    """)
    pytester.runpytest().assert_outcomes(passed=2)


def test_aslsim_machine_comes_from_the_module_marker(pytester, example):
    example("file_size_check")
    pytester.makepyfile(test_x="""
        import pytest

        pytestmark = pytest.mark.aslsim_machine("file_size_check.asl.json", name="FileSize")

        def test_it(aslsim_machine):
            assert aslsim_machine.name == "FileSize"
    """)
    pytester.runpytest().assert_outcomes(passed=1)


def test_aslsim_machine_without_a_marker_says_what_to_add(pytester):
    pytester.makepyfile(test_x="""
        def test_it(aslsim_machine):
            pass
    """)
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*needs a machine: mark the test, class or module with "
                                 "@pytest.mark.aslsim_machine('path/to/machine.asl.json')"])


def test_aslsim_run_uses_the_marker_machine_and_the_test_mocks(pytester, example):
    example("file_size_check")
    pytester.makepyfile(test_x="""
        import pytest

        pytestmark = pytest.mark.aslsim_machine("file_size_check.asl.json")

        def test_big_file(aslsim_run, aslsim_mocks):
            aslsim_mocks.returns("CheckFileSize", 3145728).returns("processFile", {"processed": True})
            ex = aslsim_run({"size": 3145728})
            assert ex.flat_path() == ["CheckFileSize", "ChoiceState", "ProcessFile", "NotifyFileOk"]
            assert ex.output == {"processed": True}

        def test_mocks_are_fresh_for_each_test(aslsim_mocks):
            assert aslsim_mocks == {}

        def test_explicit_options_win(aslsim_run, aslsim_mocks):
            aslsim_mocks.returns("CheckFileSize", 3145728)
            ex = aslsim_run({}, machine="file_size_check.asl.json",
                            mocks={"CheckFileSize": {"return": 1}}, name="small")
            assert ex.output == 1 and ex.name == "small"
    """)
    pytester.runpytest().assert_outcomes(passed=3)


def test_mock_set_builds_sequences_and_reads_files(pytester):
    pytester.makefile(".json", mocks='{"A": {"return": 1}, "B": [{"return": 2}, {"return": 3}]}')
    pytester.makepyfile(test_x="""
        def test_it(aslsim_mocks):
            aslsim_mocks.throws("Lambda", "Lambda.TooManyRequestsException", duration=1)
            aslsim_mocks.returns("Lambda", {"ok": True})
            aslsim_mocks.load("mocks.json").returns("A", 4)
            assert aslsim_mocks == {
                "Lambda": [{"throw": {"Error": "Lambda.TooManyRequestsException"}, "duration": 1},
                           {"return": {"ok": True}}],
                "A": [{"return": 1}, {"return": 4}],
                "B": [{"return": 2}, {"return": 3}],
            }
    """)
    pytester.runpytest().assert_outcomes(passed=1)


def test_the_start_time_can_be_set_by_overriding_the_fixture(pytester, example):
    example("file_size_check")
    pytester.makeconftest("""
        import pytest

        @pytest.fixture
        def aslsim_start_time():
            return "2030-06-01T12:00:00Z"
    """)
    pytester.makepyfile(test_x="""
        import pytest

        pytestmark = pytest.mark.aslsim_machine("file_size_check.asl.json")
        MOCKS = {"CheckFileSize": {"return": 1}}

        def test_overridden(aslsim_run):
            assert aslsim_run({}, mocks=MOCKS).start_date == "2030-06-01T12:00:00.000Z"

        def test_explicit_start_time_wins(aslsim_run):
            ex = aslsim_run({}, mocks=MOCKS, start_time="2024-01-01T00:00:00Z")
            assert ex.start_date == "2024-01-01T00:00:00.000Z"
    """)
    pytester.runpytest().assert_outcomes(passed=2)


def test_the_start_time_marker(pytester, example):
    example("file_size_check")
    pytester.makepyfile(test_x="""
        import pytest

        pytestmark = pytest.mark.aslsim_machine("file_size_check.asl.json")

        @pytest.mark.aslsim_start_time("2025-02-25T19:12:58Z")
        def test_marked(aslsim_run):
            assert aslsim_run({}, mocks={"CheckFileSize": {"return": 1}}).start_date == \\
                "2025-02-25T19:12:58.000Z"

        def test_default(aslsim_run):
            assert aslsim_run({}, mocks={"CheckFileSize": {"return": 1}}).start_date == \\
                "2025-01-01T00:00:00.000Z"
    """)
    pytester.runpytest().assert_outcomes(passed=2)


def test_aslsim_aws_gives_boto3_clients_on_moto_and_runs_with_moto(pytester, example):
    example("file_size_check")
    pytester.makepyfile(test_x="""
        import aslsim
        import pytest

        pytestmark = pytest.mark.aslsim_machine("file_size_check.asl.json")

        def test_clients_talk_to_moto(aslsim_aws):
            dynamodb = aslsim_aws.client("dynamodb")
            dynamodb.create_table(TableName="cars", BillingMode="PAY_PER_REQUEST",
                                  KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                                  AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
            assert dynamodb.list_tables()["TableNames"] == ["cars"]
            assert aslsim_aws.session.region_name == aslsim_aws.region

        def test_runs_pass_aws_moto(aslsim_aws, aslsim_run, monkeypatch):
            seen = {}
            monkeypatch.setattr(aslsim.StateMachine, "run",
                                lambda self, input, **options: seen.update(options))
            aslsim_run({})
            assert seen["aws"] == "moto"

        def test_without_aslsim_aws_runs_have_no_aws(aslsim_run, monkeypatch):
            seen = {}
            monkeypatch.setattr(aslsim.StateMachine, "run",
                                lambda self, input, **options: seen.update(options))
            aslsim_run({})
            assert "aws" not in seen
    """)
    # In its own process: boto3 and moto imported by an in-process run are dropped from
    # sys.modules afterwards, and moto then no longer intercepts the calls of later tests.
    pytester.runpytest_subprocess().assert_outcomes(passed=3)


def test_aslsim_aws_is_skipped_with_a_clear_message_without_moto(pytester):
    pytester.makeconftest("""
        import sys
        sys.modules["moto"] = None   # as if moto were not installed
    """)
    pytester.makepyfile(test_x="""
        def test_it(aslsim_aws):
            pass
    """)
    result = pytester.runpytest_subprocess("-rs")   # in-process, it would unsettle moto (above)
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*aslsim_aws needs moto and boto3: pip install moto boto3*"])


def test_a_failing_plain_assert_shows_the_last_execution(pytester, example):
    example("file_size_check")
    pytester.makepyfile(test_x="""
        import aslsim

        def test_it():
            ex = aslsim.load("file_size_check.asl.json").run({}, mocks={"CheckFileSize": {"return": "x"}})
            assert ex.status == "SUCCEEDED"
    """)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*- aslsim: the last execution of this test -*",
        "what happened:",
        "  status  FAILED",
        "  error   UnexpectedFileSize",
        "  failed in state 'DefaultState', whose input was \"x\"",
        "  path    CheckFileSize → ChoiceState → DefaultState",
    ])
