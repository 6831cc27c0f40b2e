import postgres from "postgres";
import { migrateDatabase } from "@/db/migrate";

/** Replaces the database name in a connection URL. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function onServer<T>(serverUrl: string, run: (admin: postgres.Sql) => Promise<T>): Promise<T> {
  const admin = postgres(withDatabase(serverUrl, "postgres"), { max: 1, onnotice: () => {} });
  try {
    return await run(admin);
  } finally {
    await admin.end();
  }
}

function dropper(serverUrl: string, name: string) {
  return () => onServer(serverUrl, (admin) => admin.unsafe(`drop database if exists ${name} with (force)`)).then(() => undefined);
}

/**
 * A fresh, migrated database on the server of `serverUrl`, so every test run
 * starts clean and runs never see each other's rows.
 */
export async function createTestDatabase(serverUrl: string, prefix: string) {
  const name = `${prefix}_${Date.now()}_${process.pid}`.toLowerCase();
  await onServer(serverUrl, (admin) => admin.unsafe(`create database ${name}`));
  const url = withDatabase(serverUrl, name);
  await migrateDatabase(url);
  return { name, url, drop: dropper(serverUrl, name) };
}

/**
 * `count` copies of a migrated database (PostgreSQL copies the template's files: no migration
 * runs again), named `<template>_w1` … `<template>_w<count>`. Nothing may be connected to the
 * template while it is copied.
 */
export async function cloneTestDatabases(serverUrl: string, template: string, count: number) {
  const names = Array.from({ length: count }, (_, i) => `${template}_w${i + 1}`);
  await onServer(serverUrl, async (admin) => {
    for (const name of names) await admin.unsafe(`create database ${name} template ${template}`);
  });
  return names.map((name) => ({ name, url: withDatabase(serverUrl, name), drop: dropper(serverUrl, name) }));
}
