"""High availability on real engines: pg_auto_failover and HAProxy, run for real."""
