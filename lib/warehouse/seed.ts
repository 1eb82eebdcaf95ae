/**
 * The sample database `kakao_db`: a `customers` table of 100,000 rows with a realistic, messy
 * `adid` column, and a `devices` table whose id column is named `column_a` (for the
 * `select column_a as adid from devices` example). Generated in SQL from md5 of a row counter, so
 * every install gets exactly the same rows and tests can assert exact counts.
 *
 * customers.adid, by row number i (1…100,000); the special residues never collide:
 *   i % 1000 = 7   → NULL                                              100 rows
 *   i % 1000 = 13  → '' (empty)                                        100 rows
 *   i % 1000 = 21  → malformed (not-an-adid, 35 chars, no hyphens, non-hex) 100 rows
 *   i % 1000 = 29  → 00000000-0000-0000-0000-000000000000 (opted out)  100 rows
 *   i % 1000 = 42  → upper-case UUID (valid)                           100 rows
 *   i % 1000 = 55  → UUID with a space either side (valid once trimmed) 100 rows
 *   i % 100  = 99  → the same adid as row i − 50 (a duplicate)         1,000 rows
 *   otherwise      → md5('kakao_db.customers:' || i) as a lower-case UUID
 * So 99,600 rows hold a valid ADID after trimming (upper-case, padded and duplicates included),
 * 98,600 distinct ones.
 */
import type pg from "pg";

export const SAMPLE_DATABASE = "kakao_db";

/** Exact counts of the seeded `kakao_db.customers` (see the table above). */
export const SAMPLE_CUSTOMERS = {
  rows: 100_000,
  nullAdid: 100,
  emptyAdid: 100,
  malformedAdid: 100,
  /** The all-zero ADID of devices that opted out of ad tracking. */
  zeroAdid: 100,
  upperCaseAdid: 100,
  /** Valid UUIDs with surrounding spaces. */
  paddedAdid: 100,
  /** Rows whose adid repeats another row's adid exactly. */
  duplicateRows: 1_000,
  /** UUID-shaped after trimming and not all-zero (includes upper-case, padded and duplicate rows). */
  validAdid: 99_600,
  distinctValidAdid: 98_600,
} as const;

/** Exact counts of the seeded `kakao_db.devices`: every `column_a` is a distinct lower-case UUID. */
export const SAMPLE_DEVICES = { rows: 10_000, distinctColumnA: 10_000 } as const;

/** A deterministic 32-bit number per (salt, row). */
const h = (salt: string) => `('x' || substr(md5('${salt}:' || i), 1, 8))::bit(32)::bigint`;

const CUSTOMERS_SQL = `
create table kakao_db.customers (
  adid text,
  gender text,
  age integer,
  country text,
  app_installed boolean,
  last_purchase_at timestamp with time zone,
  ltv numeric(12, 2)
);
comment on table kakao_db.customers is 'Sample customers with ADIDs (seeded; deterministic: see lib/warehouse/seed.ts)';
insert into kakao_db.customers
select
  case
    when i % 1000 = 7 then null
    when i % 1000 = 13 then ''
    when i % 1000 = 21 then (array['not-an-adid', left(u, 35), replace(u, '-', ''), 'g' || right(u, 35)])[1 + (i / 1000) % 4]
    when i % 1000 = 29 then '00000000-0000-0000-0000-000000000000'
    when i % 1000 = 42 then upper(u)
    when i % 1000 = 55 then ' ' || u || ' '
    when i % 100 = 99 then md5('kakao_db.customers:' || (i - 50))::uuid::text
    else u
  end,
  case when g < 47 then 'female' when g < 94 then 'male' else 'unknown' end,
  18 + (${h("age")} % 53)::int,
  case when c < 70 then 'KR' when c < 80 then 'JP' when c < 88 then 'US' when c < 93 then 'TW' when c < 97 then 'VN' else 'TH' end,
  ${h("app")} % 100 < 62,
  case when p % 10 = 0 then null else timestamptz '2025-06-30 15:00:00+00' - make_interval(secs => (p % (540 * 86400))::double precision) end,
  case when p % 10 = 0 then 0 else ((${h("ltv")} % 50000000) / 100.0)::numeric(12, 2) end
from (
  select i, md5('kakao_db.customers:' || i)::uuid::text as u,
    ${h("gender")} % 100 as g, ${h("country")} % 100 as c, ${h("purchase")} as p
  from generate_series(1, 100000) as i
) as s
order by i;
`;

const DEVICES_SQL = `
create table kakao_db.devices (
  column_a text,
  platform text,
  model text,
  os_version text,
  first_seen_at timestamp with time zone
);
comment on table kakao_db.devices is 'Sample devices; the ADID column is named column_a (select column_a as adid from devices)';
insert into kakao_db.devices
select
  md5('kakao_db.devices:' || i)::uuid::text,
  case when ${h("platform")} % 100 < 70 then 'android' else 'ios' end,
  case when ${h("platform")} % 100 < 70
    then (array['SM-S928N', 'SM-S921N', 'SM-A546S', 'SM-F946N', 'LM-V500N'])[1 + (${h("model")} % 5)::int]
    else (array['iPhone15,2', 'iPhone15,3', 'iPhone16,1', 'iPhone14,5'])[1 + (${h("model")} % 4)::int] end,
  case when ${h("platform")} % 100 < 70 then (12 + ${h("os")} % 3)::text else (16 + ${h("os")} % 2)::text || '.' || (${h("os")} % 6)::text end,
  timestamptz '2024-01-01 00:00:00+00' + make_interval(secs => (${h("seen")} % (540 * 86400))::double precision)
from generate_series(1, 10000) as i
order by i;
`;

/**
 * Create `kakao_db` with its two tables on `client` (inside the caller's transaction). With
 * `replace`, an existing `kakao_db` is dropped first; otherwise an existing one is an error.
 */
export async function seedSampleDatabase(client: pg.ClientBase, opts: { replace?: boolean } = {}): Promise<void> {
  if (opts.replace) await client.query(`drop schema if exists ${SAMPLE_DATABASE} cascade`);
  await client.query(`create schema ${SAMPLE_DATABASE}`);
  await client.query(`comment on schema ${SAMPLE_DATABASE} is 'Sample database seeded on first start'`);
  await client.query(CUSTOMERS_SQL);
  await client.query(DEVICES_SQL);
  await client.query(`analyze ${SAMPLE_DATABASE}.customers`);
  await client.query(`analyze ${SAMPLE_DATABASE}.devices`);
}
