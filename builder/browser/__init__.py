"""The browser side: Python's worker session (Pyodide), and in static/ the files a page loads as
they are (the page script, the worker, the service worker, and the page side in MicroPython)."""
