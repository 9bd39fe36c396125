"""pytest plugin: workflow coverage (--aslsim-cov)."""
