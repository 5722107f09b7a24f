package io.phosor.auth;

import io.javalin.security.RouteRole;

/**
 * Who may call a route. Until user accounts arrive (JWT with admin/analyst/viewer), management routes
 * take the API token and ingestion routes take an ingest token; ingest tokens can only ingest.
 */
public enum Role implements RouteRole {
  /** No authentication: only /health. */
  PUBLIC,
  /** Machine senders with an ingest token. */
  INGEST,
  /** The operator, with the API token. */
  ADMIN
}
