/**
 * The relational store: alerts, rules, incidents, sources, tokens, users, response actions, settings,
 * baselines and the audit trail, in SQLite (default, a file in the data directory) or PostgreSQL.
 *
 * <p>Entry point: {@link io.phosor.store.Store#open}. Each kind of record has a small repository reached
 * from the store ({@code store.alerts()}, {@code store.rules()}, ...). Schema changes are Flyway
 * migrations, one file per dialect under {@code db/migration/sqlite} and {@code db/migration/postgresql}.
 */
package io.phosor.store;
