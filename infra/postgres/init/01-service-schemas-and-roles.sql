-- Runs once, as the superuser, when the postgres container initialises an empty data directory
-- (docker-compose mounts this folder at /docker-entrypoint-initdb.d). District DBAs can run the same script
-- by hand against their server, after replacing the development passwords.
--
-- Each service owns one schema and gets two login roles:
--   <schema>_owner  owns the schema and every object in it; used ONLY by the service's start-up migrations
--                   (DATABASE_MIGRATION_URL).
--   <schema>_app    what the service runs as (DATABASE_URL): reads and writes rows, never owns a table, so
--                   row-level security applies to it (owners skip RLS unless FORCE is set; BYPASSRLS is refused).
-- Default privileges make every table the owner creates later usable by the app role without a further grant.
-- Tables that must be append-only (the session ledger, the audit log) revoke UPDATE/DELETE from the app role in
-- their own migration; a trigger refuses them for the owner as well.
--
-- Same statements as provisioningSql() in libs/shared/persistence (used by `npm start` and the tests), and idempotent
-- like it, so a DBA can re-run the script safely.
--
-- DEVELOPMENT PASSWORDS ONLY (<role>_dev). Never use them outside docker-compose: set real ones with
-- ALTER ROLE <role> PASSWORD '...' and put the URLs in each service's Kubernetes Secret.

\set ON_ERROR_STOP on

REVOKE ALL ON SCHEMA public FROM PUBLIC;

DO $$
DECLARE
  svc text;
  owner_role text;
  app_role text;
BEGIN
  FOREACH svc IN ARRAY ARRAY['enrollment', 'scheduling', 'session_ledger', 'outcomes_contracting', 'notifications']
  LOOP
    owner_role := svc || '_owner';
    app_role := svc || '_app';

    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = owner_role) THEN
      EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS',
                     owner_role, owner_role || '_dev');
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = app_role) THEN
      EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT',
                     app_role, app_role || '_dev');
    END IF;

    -- CREATE on the database lets migrations add a schema next to the service's own (blue/green projection rebuilds).
    EXECUTE format('GRANT CONNECT, CREATE ON DATABASE %I TO %I', current_database(), owner_role);
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), app_role);
    EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I', svc, owner_role);
    -- The app role may use the schema but never create in it: DDL is the owner's job, at migration time.
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', svc, app_role);

    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I',
                   owner_role, svc, app_role);
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES TO %I',
                   owner_role, svc, app_role);
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT EXECUTE ON FUNCTIONS TO %I',
                   owner_role, svc, app_role);

    -- Unqualified names resolve to the service's own schema for both roles.
    EXECUTE format('ALTER ROLE %I SET search_path = %I', owner_role, svc);
    EXECUTE format('ALTER ROLE %I SET search_path = %I', app_role, svc);
  END LOOP;
END
$$;
