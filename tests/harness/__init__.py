"""Tests of the test harness itself (tests/support): the sync client, the FUSE share, the computers."""
