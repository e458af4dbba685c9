"""Small helpers shared by the FTP interop tests."""
import subprocess


def run_tool(args, timeout=30, **kw):
    """Runs a client to completion (bounded), returning the CompletedProcess with text output."""
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, **kw)
