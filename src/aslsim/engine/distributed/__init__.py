"""Distributed Map: the S3 data it reads (ItemReader) and writes (ResultWriter), and its runs."""
