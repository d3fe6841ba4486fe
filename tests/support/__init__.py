"""Test support: a simulated sync client, a FUSE share without shared memory or working locks,
and isolated "computers" for real program processes (issue 19's acceptance test)."""
