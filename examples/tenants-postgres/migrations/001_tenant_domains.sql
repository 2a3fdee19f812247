-- The origins each tenant's front ends are served from: one row per allowed origin.
-- Origins are stored exactly as browsers send them (lowercase scheme and host, punycode, no
-- default port, no path); the app normalizes what the admin endpoint receives.
create table if not exists tenant_domains (
  origin     text primary key
             check (length(origin) <= 512 and origin ~ '^[a-z][a-z0-9+.-]*://[a-z0-9._-]+(:[0-9]{1,5})?$'),
  tenant     text not null,
  created_at timestamptz not null default now()
);

-- Every change is announced on the channel `tenant_domains_changed`, its payload the origin
-- that changed (an update announces the old and the new one). Each instance LISTENs and drops
-- that origin from its cache, so an added or revoked domain takes effect everywhere at once.
create or replace function tenant_domains_notify() returns trigger
language plpgsql as $$
begin
  if tg_op in ('UPDATE', 'DELETE') then
    perform pg_notify('tenant_domains_changed', old.origin);
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    perform pg_notify('tenant_domains_changed', new.origin);
  end if;
  return null;
end
$$;

drop trigger if exists tenant_domains_notify on tenant_domains;
create trigger tenant_domains_notify
  after insert or update or delete on tenant_domains
  for each row execute function tenant_domains_notify();

-- TRUNCATE has no rows to name: an empty payload means "forget every origin".
create or replace function tenant_domains_notify_truncate() returns trigger
language plpgsql as $$
begin
  perform pg_notify('tenant_domains_changed', '');
  return null;
end
$$;

drop trigger if exists tenant_domains_notify_truncate on tenant_domains;
create trigger tenant_domains_notify_truncate
  after truncate on tenant_domains
  for each statement execute function tenant_domains_notify_truncate();
