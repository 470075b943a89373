#!/bin/sh
# First start of the compose PostgreSQL (docker-entrypoint-initdb.d): the two roles Charter
# runs with. charter_migrator owns the database and its schema and runs `migrate`;
# charter_app is what web, worker and beat connect as: no owner, no superuser, so it cannot
# switch the audit tables' triggers off. Its rights come from
# `manage.py audit_grant_runtime_role charter_app`, which the migrate service runs after every
# migrate (docs/deployment.md, "Two roles").
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v migrator_password="$CHARTER_MIGRATOR_PASSWORD" -v app_password="$CHARTER_APP_PASSWORD" <<'SQL'
CREATE ROLE charter_migrator LOGIN NOSUPERUSER NOCREATEROLE PASSWORD :'migrator_password';
CREATE ROLE charter_app LOGIN NOSUPERUSER NOCREATEROLE NOINHERIT PASSWORD :'app_password';
ALTER DATABASE :"DBNAME" OWNER TO charter_migrator;
ALTER SCHEMA public OWNER TO charter_migrator;
REVOKE ALL ON DATABASE :"DBNAME" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"DBNAME" TO charter_app;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO charter_app;
SQL
