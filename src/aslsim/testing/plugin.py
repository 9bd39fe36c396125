"""pytest plugin: fixtures for machines, mocks, moto and virtual time; YAML test cases."""
