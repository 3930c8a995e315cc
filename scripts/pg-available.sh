#!/usr/bin/env bash
# Exit 0 when a PostgreSQL server (initdb) is installed on this machine.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1
