"""The pytest plugin (entry point pytest11): fixtures, assertions and test files for workflows."""
