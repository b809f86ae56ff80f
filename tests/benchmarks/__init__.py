"""`make bench`: what a parent feels, measured in headless Chromium (and Firefox) against the built
site.

Run with `python -m tests.benchmarks` (see __main__.py). Nothing here is collected by pytest: the
benchmark reports timings and never asserts them.
"""
